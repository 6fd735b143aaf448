import { expect } from 'chai';
import { createStaffTokenVerifier, signStaffToken } from '../../server/auth/tokens';

const SECRET = 'unit-secret-unit-secret-unit-secret-012345';
const USER = '6f1c1d7a-2b1e-4a6f-9a57-3c1b0f3f8e21';

describe('staff token verifier with a memo of verified tokens', function () {
  this.timeout(10_000);

  it('when a verified token is presented again, then it is taken from the memo with the same claims until its exp has passed, then refused', async () => {
    const verify = createStaffTokenVerifier(SECRET);
    const { access_token } = await signStaffToken(SECRET, USER, 'reception', 1, 4);
    const first = await verify(access_token);
    expect(first).to.include({ sub: USER, ver: 4 });
    expect(await verify(access_token)).to.equal(first); // the memo's own object
    while (Date.now() / 1000 < first!.exp) await new Promise((r) => setTimeout(r, 50));
    expect(await verify(access_token)).to.equal(null);
  });

  it('when a token is forged, tampered with or signed with another secret, then it is refused every time (nothing enters the memo)', async () => {
    const verify = createStaffTokenVerifier(SECRET, 2);
    const good = (await signStaffToken(SECRET, USER, 'admin', 60)).access_token;
    const [h, p, s] = good.split('.');
    const tampered = `${h}.${Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(p, 'base64url').toString()), ver: 9 })).toString('base64url')}.${s}`;
    const other = (await signStaffToken('another-secret-another-secret-0123456789', USER, 'admin', 60)).access_token;
    for (let i = 0; i < 2; i++) {
      expect(await verify(tampered)).to.equal(null);
      expect(await verify(other)).to.equal(null);
      expect(await verify(`${h}.${p}.`)).to.equal(null);
    }
    expect(await verify(good)).to.include({ sub: USER });
  });

  it('when more tokens than its bound verify, then the oldest leave the memo and are verified afresh (still accepted)', async () => {
    const verify = createStaffTokenVerifier(SECRET, 2);
    const tokens = await Promise.all([1, 2, 3].map((v) => signStaffToken(SECRET, USER, 'doctor', 60, v)));
    const claims = [];
    for (const t of tokens) claims.push(await verify(t.access_token));
    expect(await verify(tokens[2].access_token)).to.equal(claims[2]);
    const again = await verify(tokens[0].access_token);
    expect(again).to.deep.equal(claims[0]);
    expect(again).to.not.equal(claims[0]);
  });
});
