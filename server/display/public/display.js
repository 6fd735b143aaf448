/*
 * Waiting-room screen. No framework, no build step; loaded after /socket.io/socket.io.js.
 *
 * Protocol (server/live/live.events.ts): connect with the screen token from the URL fragment in the
 * handshake `auth`, `queue:subscribe {doctor_id}` per doctor (the ack carries a public snapshot), then
 * apply `queue:updated` by version: last+1 → apply its snapshot, ≤ last → duplicate, gap → re-subscribe.
 * A heartbeat with a newer version, a reconnect or a new clinic day also re-subscribe.
 * Everything shown is public (tokens like DR_A-007); text is only ever set with textContent.
 */
(function () {
  'use strict';

  var NEXT_COUNT = 5;
  var HIGHLIGHT_MS = 6000;
  var ACK_TIMEOUT_MS = 5000;
  var RESUBSCRIBE_DELAY_MS = 2000;
  var WATCHDOG_MS = 35000; // heartbeats come every 15 s; two missed → ask again (and show "not live" if that fails)
  var REFUSED_RETRY_MS = 30000;
  var UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

  var body = document.body;
  var byTestId = function (id) {
    return document.querySelector('[data-testid="' + id + '"]');
  };
  var ui = {
    banner: byTestId('offline-banner'),
    panels: byTestId('panels'),
    error: byTestId('error-state'),
    errorTitle: byTestId('error-title'),
    errorText: byTestId('error-text'),
    soundHint: byTestId('sound-hint'),
    clockTime: byTestId('clock-time'),
    clockDate: byTestId('clock-date'),
    template: document.getElementById('panel-template'),
  };

  /** @type {Record<string, Panel>} */
  var panels = {};
  var panelOrder = [];
  var socket = null;
  var clinicTimezone = null;
  var serverOffsetMs = 0; // server clock − this device's clock; TV clocks are often wrong
  var refusedTimer = null;

  // ---------- inputs: token from the fragment, doctors from the path or query ----------

  function readToken() {
    var params = new URLSearchParams(location.hash.replace(/^#/, ''));
    return (params.get('token') || '').trim();
  }

  function readDoctorIds() {
    var m = /^\/display\/([^/]+)\/?$/.exec(location.pathname);
    var raw = m ? [decodeURIComponent(m[1])] : (new URLSearchParams(location.search).get('doctor_ids') || '').split(',');
    var ids = [];
    raw.forEach(function (s) {
      var id = s.trim().toLowerCase();
      if (id && ids.indexOf(id) < 0) ids.push(id);
    });
    return ids;
  }

  // ---------- page-level state ----------

  function setPageState(state) {
    body.setAttribute('data-state', state);
    ui.banner.hidden = state !== 'offline';
    if (state === 'offline')
      panelOrder.forEach(function (id) {
        setStale(panels[id], true);
      });
  }

  function showError(title, text) {
    ui.errorTitle.textContent = title;
    ui.errorText.textContent = text;
    ui.error.hidden = false;
    ui.panels.hidden = true;
    setPageState('error');
  }

  function hideError() {
    ui.error.hidden = true;
    ui.panels.hidden = false;
  }

  // ---------- panels ----------

  /**
   * @typedef {{ id: string, root: HTMLElement, name: HTMLElement, now: HTMLElement, tokenBox: HTMLElement,
   *   next: HTMLElement, more: HTMLElement, stale: HTMLElement, message: HTMLElement, snapshot: any, date: string|null,
   *   version: number, generation: number, syncing: boolean, buffered: any[], lastHeardAt: number,
   *   calledKey: string|null, highlightTimer: any, retryTimer: any, lastDaySwitchAt: number }} Panel
   */
  function createPanel(id) {
    var root = ui.template.content.firstElementChild.cloneNode(true);
    var part = function (role, testId) {
      var el = root.querySelector('[data-role="' + role + '"]');
      if (testId) el.setAttribute('data-testid', testId + '-' + id);
      return el;
    };
    root.setAttribute('data-testid', 'panel-' + id);
    root.setAttribute('data-doctor-id', id);
    var panel = {
      id: id,
      root: root,
      name: part('doctor-name', 'doctor-name'),
      now: part('now-calling', 'now-calling'),
      tokenBox: part('token-box'),
      next: part('next-list', 'next-list'),
      more: part('more', 'next-more'),
      stale: part('stale', 'stale'),
      message: part('message', 'panel-message'),
      snapshot: null,
      date: null,
      version: -1,
      generation: 0,
      syncing: false,
      buffered: [],
      lastHeardAt: 0,
      calledKey: null,
      highlightTimer: null,
      retryTimer: null,
      lastDaySwitchAt: 0,
    };
    ui.panels.appendChild(root);
    return panel;
  }

  function setStale(panel, stale) {
    panel.stale.hidden = !stale;
    panel.root.classList.toggle('panel--stale', stale);
  }

  function showPanelMessage(panel, text) {
    panel.message.textContent = text || '';
    panel.message.hidden = !text;
    panel.root.setAttribute('data-state', text ? 'error' : 'live');
  }

  /**
   * Shrinks `el`'s font until it fits `box` (long doctor codes make long tokens). When that would shrink it
   * below 60 %, `onTooSmall` may give it more room first (wrap at the hyphen, or a whole row).
   */
  function fitText(el, box, onTooSmall) {
    el.style.fontSize = '';
    var scale = box.clientWidth > 0 ? box.clientWidth / el.scrollWidth : 1;
    if (scale < 0.6 && onTooSmall && onTooSmall()) scale = box.clientWidth / el.scrollWidth;
    if (scale < 1) el.style.fontSize = Math.floor(parseFloat(getComputedStyle(el).fontSize) * scale * 0.97) + 'px';
  }

  function render(panel) {
    var snap = panel.snapshot;
    panel.root.setAttribute('data-version', String(snap.version));
    panel.root.setAttribute('data-date', snap.date);
    panel.name.textContent = snap.doctor_name || snap.doctor_code || '';
    var serving = snap.now_serving;
    panel.now.textContent = serving ? serving.token : '—';
    panel.root.classList.toggle('panel--idle', !serving);

    var waiting = snap.waiting || [];
    panel.next.textContent = '';
    waiting.slice(0, NEXT_COUNT).forEach(function (entry, i) {
      var li = document.createElement('li');
      li.className = 'next-list__item';
      li.setAttribute('data-testid', 'next-token-' + panel.id + '-' + (i + 1));
      var span = document.createElement('span');
      span.textContent = entry.token;
      li.appendChild(span);
      panel.next.appendChild(li);
    });
    if (!waiting.length) {
      var empty = document.createElement('li');
      empty.className = 'next-list__empty';
      empty.textContent = 'No one waiting';
      panel.next.appendChild(empty);
    }
    panel.more.textContent = waiting.length > NEXT_COUNT ? '+' + (waiting.length - NEXT_COUNT) + ' more' : '';
    fitPanel(panel);
  }

  function fitPanel(panel) {
    panel.now.classList.remove('panel__token--wrap');
    fitText(panel.now, panel.tokenBox, function () {
      panel.now.classList.add('panel__token--wrap');
      return true;
    });
    Array.prototype.forEach.call(panel.next.querySelectorAll('.next-list__item'), function (li) {
      li.classList.remove('next-list__item--wide');
      fitText(li.firstElementChild, li, function () {
        li.classList.add('next-list__item--wide');
        return true;
      });
    });
  }

  function highlight(panel) {
    panel.root.classList.remove('panel--called');
    void panel.root.offsetWidth; // restart the CSS animation on a recall
    panel.root.classList.add('panel--called');
    panel.root.setAttribute('data-highlight', 'true');
    clearTimeout(panel.highlightTimer);
    panel.highlightTimer = setTimeout(function () {
      panel.root.classList.remove('panel--called');
      panel.root.removeAttribute('data-highlight');
    }, HIGHLIGHT_MS);
  }

  // ---------- applying snapshots and events ----------

  function calledKey(snap) {
    var s = snap.now_serving;
    return s ? s.token + '|' + (s.called_at || '') : null;
  }

  /** Replaces the panel's view with `snap`. Announces a call that is new to this screen (not on first load). */
  function applySnapshot(panel, snap, event) {
    var firstLoad = !panel.snapshot || panel.snapshot.date !== snap.date;
    panel.snapshot = snap;
    panel.version = snap.version;
    panel.date = snap.date;
    showPanelMessage(panel, '');
    setStale(panel, false);
    render(panel);
    var key = calledKey(snap);
    var isCall = !!event && (event.type === 'called' || event.type === 'recalled');
    if (!firstLoad && key && (isCall || key !== panel.calledKey)) {
      highlight(panel);
      chime();
    }
    panel.calledKey = key;
  }

  function subscribe(panel, date) {
    clearTimeout(panel.retryTimer);
    if (!socket || !socket.connected) return;
    var generation = ++panel.generation;
    panel.syncing = true;
    panel.buffered = [];
    var req = { doctor_id: panel.id };
    if (date) req.date = date;
    socket.timeout(ACK_TIMEOUT_MS).emit('queue:subscribe', req, function (err, res) {
      if (generation !== panel.generation) return; // superseded by a newer subscribe or a reconnect
      panel.syncing = false;
      var buffered = panel.buffered;
      panel.buffered = [];
      if (err || !res) {
        if (panel.snapshot) setStale(panel, true);
        panel.retryTimer = setTimeout(function () {
          subscribe(panel);
        }, RESUBSCRIBE_DELAY_MS);
        return;
      }
      if (res.error && res.error.code === 'SERVICE_UNAVAILABLE' && panel.snapshot) {
        // The server is up but cannot read the queue (database outage): keep the last state, say it is not live, retry.
        setStale(panel, true);
        panel.retryTimer = setTimeout(function () {
          subscribe(panel);
        }, RESUBSCRIBE_DELAY_MS);
        return;
      }
      if (res.error) {
        panel.root.setAttribute('data-error', res.error.code || 'ERROR');
        showPanelMessage(panel, panelErrorText(res.error.code));
        return;
      }
      var data = res.data;
      if (data.clinic_timezone && data.clinic_timezone !== clinicTimezone) setTimezone(data.clinic_timezone);
      var serverNow = Date.parse(data.server_time);
      if (!isNaN(serverNow)) serverOffsetMs = serverNow - Date.now();
      panel.lastHeardAt = Date.now();
      applySnapshot(panel, data.snapshot, null);
      buffered.forEach(onUpdated); // events that raced the ack: applied, ignored or a gap → subscribe again
      tickClock();
    });
  }

  function panelErrorText(code) {
    if (code === 'FORBIDDEN') return 'This screen is not allowed to show this doctor';
    if (code === 'DOCTOR_NOT_FOUND') return 'Unknown doctor';
    return 'Cannot show this queue';
  }

  function onUpdated(e) {
    var panel = e && panels[e.doctor_id];
    if (!panel) return;
    panel.lastHeardAt = Date.now();
    if (panel.syncing) {
      panel.buffered.push(e);
      return;
    }
    if (!panel.snapshot || e.date !== panel.date) return;
    if (e.version <= panel.version) return;
    if (e.version === panel.version + 1 && e.snapshot) applySnapshot(panel, e.snapshot, e);
    else subscribe(panel);
  }

  function onHeartbeat(e) {
    var panel = e && panels[e.doctor_id];
    if (!panel) return;
    panel.lastHeardAt = Date.now();
    if (!panel.syncing && panel.snapshot && e.date === panel.date && e.version > panel.version) subscribe(panel);
  }

  // ---------- connection ----------

  function connect(token) {
    socket = io({ auth: { token: token }, reconnectionDelay: 1000, reconnectionDelayMax: 5000 });
    socket.on('connect', function () {
      clearTimeout(refusedTimer);
      hideError();
      setPageState('live');
      panelOrder.forEach(function (id) {
        subscribe(panels[id]);
      });
    });
    socket.on('disconnect', function (reason) {
      setPageState('offline');
      // The server dropped us on purpose: Socket.IO will not retry by itself, but a screen must.
      if (reason === 'io server disconnect')
        setTimeout(function () {
          socket.connect();
        }, RESUBSCRIBE_DELAY_MS);
    });
    socket.on('connect_error', function (err) {
      if (socket.active) {
        setPageState('offline');
        return;
      } // temporary: Socket.IO keeps retrying
      var code = err && err.data && err.data.code ? ' (' + err.data.code + ')' : '';
      showError(
        'This screen\u2019s token was refused' + code,
        'Ask a clinic administrator for a new screen link. Retrying in ' + REFUSED_RETRY_MS / 1000 + ' seconds.',
      );
      clearTimeout(refusedTimer);
      refusedTimer = setTimeout(function () {
        socket.connect();
      }, REFUSED_RETRY_MS);
    });
    socket.on('server:shutdown', function () {
      setPageState('offline');
    });
    socket.on('queue:updated', onUpdated);
    socket.on('queue:heartbeat', onHeartbeat);
  }

  /** Re-subscribes a panel that has heard nothing for a minute, and moves to the new clinic day after midnight. */
  function watchdog() {
    if (!socket || !socket.connected) return;
    var now = Date.now();
    var today = clinicDay();
    panelOrder.forEach(function (id) {
      var panel = panels[id];
      if (panel.syncing || !panel.snapshot) return;
      if (today && panel.date && today > panel.date && now - panel.lastDaySwitchAt > 60000) {
        panel.lastDaySwitchAt = now;
        socket.emit('queue:unsubscribe', { doctor_id: id, date: panel.date });
        subscribe(panel, today);
      } else if (now - panel.lastHeardAt > WATCHDOG_MS) {
        subscribe(panel);
      }
    });
  }

  // ---------- clock ----------

  var timeFmt = null;
  var dateFmt = null;
  var dayFmt = null;

  function setTimezone(zone) {
    try {
      timeFmt = new Intl.DateTimeFormat(undefined, { timeZone: zone, hour: '2-digit', minute: '2-digit' });
      dateFmt = new Intl.DateTimeFormat(undefined, { timeZone: zone, weekday: 'long', day: 'numeric', month: 'long' });
      dayFmt = new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' });
      clinicTimezone = zone;
    } catch (e) {
      if (window.console) console.warn('display: unknown clinic time zone', zone);
    }
  }

  function clinicNow() {
    return new Date(Date.now() + serverOffsetMs);
  }

  function clinicDay() {
    return dayFmt ? dayFmt.format(clinicNow()) : null; // en-CA formats as YYYY-MM-DD
  }

  function tickClock() {
    if (!timeFmt) return;
    var now = clinicNow();
    ui.clockTime.textContent = timeFmt.format(now);
    ui.clockDate.textContent = dateFmt.format(now);
  }

  // ---------- sound: a short two-note chime, allowed after one tap ----------

  var audioCtx = null;

  function soundOn() {
    return !!audioCtx && audioCtx.state === 'running';
  }

  function updateSoundHint() {
    ui.soundHint.hidden = soundOn();
    body.setAttribute('data-sound', soundOn() ? 'on' : 'off');
  }

  function initAudio() {
    var AC = window.AudioContext || window.webkitAudioContext;
    if (!AC) return;
    try {
      audioCtx = new AC();
    } catch (e) {
      audioCtx = null;
      return;
    }
    // Kiosk browsers started with an autoplay policy need no tap: the context is already running.
    audioCtx.onstatechange = updateSoundHint;
    updateSoundHint();
  }

  function enableSound() {
    if (!audioCtx) initAudio();
    if (!audioCtx || soundOn()) return;
    audioCtx.resume().then(
      function () {
        updateSoundHint();
        chime(0.15);
      },
      function () {},
    );
  }

  function note(freq, start, duration, volume) {
    var osc = audioCtx.createOscillator();
    var gain = audioCtx.createGain();
    osc.type = 'sine';
    osc.frequency.setValueAtTime(freq, start);
    gain.gain.setValueAtTime(0.0001, start);
    gain.gain.exponentialRampToValueAtTime(volume, start + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, start + duration);
    osc.connect(gain).connect(audioCtx.destination);
    osc.start(start);
    osc.stop(start + duration + 0.05);
  }

  function chime(volume) {
    if (!soundOn()) return;
    var v = volume || 0.5;
    var t = audioCtx.currentTime + 0.01;
    note(1318.5, t, 0.7, v); // E6
    note(1046.5, t + 0.45, 0.9, v); // C6
  }

  // ---------- start ----------

  function start() {
    var token = readToken();
    var ids = readDoctorIds();
    var badIds = ids.filter(function (id) {
      return !UUID_RE.test(id);
    });
    // A new link typed into the same tab changes only the fragment: start over with it.
    window.addEventListener('hashchange', function () {
      location.reload();
    });
    ['pointerdown', 'keydown', 'touchstart'].forEach(function (type) {
      document.addEventListener(type, enableSound, { capture: true, passive: true });
    });
    initAudio();
    if (!ids.length || badIds.length) {
      showError('No doctor selected', 'Open /display/<doctor id> or /display?doctor_ids=<id>,<id> with the screen link.');
      return;
    }
    ui.panels.style.setProperty('--cols', String(ids.length));
    ui.panels.setAttribute('data-cols', String(ids.length));
    ids.forEach(function (id) {
      panelOrder.push(id);
      panels[id] = createPanel(id);
    });
    if (!token) {
      showError(
        'No screen token',
        'Open this page with the full screen link (it ends with #token=\u2026). Ask a clinic administrator for one.',
      );
      return;
    }
    if (typeof window.io !== 'function') {
      showError('Cannot reach the clinic server', 'The live connection script did not load. Check the network and reload.');
      return;
    }
    connect(token);
    setInterval(tickClock, 1000);
    setInterval(watchdog, 10000);
    window.addEventListener('resize', function () {
      panelOrder.forEach(function (id) {
        if (panels[id].snapshot) fitPanel(panels[id]);
      });
    });
  }

  start();
})();
