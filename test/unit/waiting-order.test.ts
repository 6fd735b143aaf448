import { expect } from 'chai';
import { nextClass, streakAfter, waitingRank, PRIORITIES, type Priority } from '../../server/queue/waiting-order';

/** Calls everyone step by step with {@link nextClass}: the call order as a list of `class:index`. */
function simulate(counts: Record<Priority, number>, streak: number, limit: number): string[] {
  const left = { ...counts };
  const taken: Record<Priority, number> = { normal: 0, priority: 0, emergency: 0 };
  const order: string[] = [];
  let s = streak;
  for (let c = nextClass(left, s, limit); c; c = nextClass(left, s, limit)) {
    order.push(`${c}:${taken[c]++}`);
    left[c] -= 1;
    s = streakAfter(c, s);
  }
  return order;
}

/** The same order from the closed form {@link waitingRank}. */
function ranked(counts: Record<Priority, number>, streak: number, limit: number): string[] {
  const all: Array<[number, string]> = [];
  for (const p of PRIORITIES)
    for (let index = 0; index < counts[p]; index++) all.push([waitingRank({ priority: p, index, counts, streak, limit }), `${p}:${index}`]);
  all.sort((a, b) => a[0] - b[0]);
  expect(
    all.map(([r]) => r),
    'ranks are 0..N-1, each once',
  ).to.deep.equal([...Array(all.length).keys()]);
  return all.map(([, k]) => k);
}

describe('waiting order: emergency first, priority without starving the rest (PRIORITY_STREAK)', () => {
  it('when 3 priority patients were called in a row, then the next normal patient goes first; an emergency always goes first', () => {
    expect(nextClass({ emergency: 0, priority: 2, normal: 2 }, 3, 3)).to.equal('normal');
    expect(nextClass({ emergency: 0, priority: 2, normal: 2 }, 2, 3)).to.equal('priority');
    expect(nextClass({ emergency: 1, priority: 2, normal: 2 }, 3, 3)).to.equal('emergency');
    expect(nextClass({ emergency: 0, priority: 2, normal: 0 }, 5, 3)).to.equal('priority');
    expect(nextClass({ emergency: 0, priority: 0, normal: 0 }, 0, 3)).to.equal(null);
    expect(simulate({ emergency: 1, priority: 5, normal: 3 }, 0, 3)).to.deep.equal([
      'emergency:0',
      'priority:0',
      'priority:1',
      'priority:2',
      'normal:0',
      'priority:3',
      'priority:4',
      'normal:1',
      'normal:2',
    ]);
  });

  it('when every mix of up to 6 per class, streak 0..5 and limit 1..4 is called step by step, then the closed form predicts the same order', () => {
    let cases = 0;
    for (let e = 0; e <= 3; e++)
      for (let p = 0; p <= 6; p++)
        for (let n = 0; n <= 6; n++)
          for (let limit = 1; limit <= 4; limit++)
            for (let streak = 0; streak <= 5; streak++) {
              const counts = { emergency: e, priority: p, normal: n };
              expect(ranked(counts, streak, limit), JSON.stringify({ counts, streak, limit })).to.deep.equal(
                simulate(counts, streak, limit),
              );
              cases++;
            }
    expect(cases).to.equal(4 * 7 * 7 * 4 * 6);
  });
});
