/*
 * wachtd public widget: shows the current waiting times of the
 * municipality's contact channels and keeps them up to date.
 *
 * Embed with:
 *   <div id="wachtd-wachttijden"></div>
 *   <script src="https://HOST/public/widget.js" defer></script>
 * Optional data-channels="telefoon/algemeen,balie/burgerzaken" on the
 * script tag or the container limits and orders the channels shown.
 *
 * The markup it renders is the same as the daemon's server-rendered
 * fragment in /public/, so one stylesheet serves both. Data is only ever
 * put into the page through textContent, never parsed as HTML.
 */
(function () {
  'use strict';

  var ICONS = { open: '\u25F7', gesloten: '\u263E', onbekend: '?' };
  var BUSY_TEXT = {
    rustig: 'Het is nu rustig.',
    normaal: 'Het is nu niet rustig en niet druk.',
    druk: 'Het is nu druk.'
  };
  var TEXT = {
    none: 'Er zijn nu geen wachttijden om te tonen.',
    unknown: 'De wachttijd is nu niet bekend.',
    closed: 'Gesloten',
    loading: 'De wachttijden worden geladen.',
    failed: 'De wachttijden konden niet worden bijgewerkt.',
    pause: 'Automatisch bijwerken pauzeren',
    resume: 'Automatisch bijwerken hervatten'
  };
  var REFRESH_DEFAULT_S = 30;
  var REFRESH_MIN_S = 5;
  var REFRESH_MAX_S = 3600;
  var FETCH_TIMEOUT_MS = 15000;
  var STATUS_CLEAR_MS = 20000;

  // Scoped to .wachtd; the /public/ page carries the same rules inline in
  // <style id="wachtd-style">, so keep both copies identical.
  var CSS = [
    '.wachtd{padding:1em;border-radius:.5em;color:#1b1b1b;background:#fff;line-height:1.5;text-align:left;overflow-wrap:break-word}',
    '.wachtd *,.wachtd *::before,.wachtd *::after{box-sizing:border-box}',
    '.wachtd .wachtd-channels{display:grid;grid-template-columns:repeat(auto-fill,minmax(min(100%,16em),1fr));gap:1em;margin:0 0 1em;padding:0;list-style:none}',
    '.wachtd .wachtd-channel{margin:0;padding:1em;border:1px solid #767676;border-left:.5em solid #595959;border-radius:.5em;background:#fff}',
    '.wachtd .wachtd-channel[data-state="open"]{border-left-color:#1e6b34}',
    '.wachtd .wachtd-channel[data-state="gesloten"]{background:#f3f3f3}',
    '.wachtd .wachtd-channel[data-state="onbekend"]{border-left-color:#8a5300}',
    '.wachtd .wachtd-label{margin:0 0 .5em;font-size:1.25em;line-height:1.3;font-weight:700;color:inherit}',
    '.wachtd .wachtd-wait{display:flex;align-items:flex-start;gap:.5em;margin:0;font-size:1.125em}',
    '.wachtd .wachtd-icon{flex:none;width:1.4em;font-family:"Noto Sans Symbols 2","Segoe UI Symbol","Apple Symbols","DejaVu Sans",sans-serif;font-size:1.25em;line-height:1.2;text-align:center}',
    '.wachtd .wachtd-wait-text{min-width:0}',
    '.wachtd .wachtd-channel[data-state="open"] .wachtd-wait-text{font-weight:700}',
    '.wachtd .wachtd-busy{display:inline-block;margin:.75em 0 0;padding:.125em .75em;border:1px solid currentColor;border-radius:1em;font-weight:600}',
    '.wachtd [data-busy="rustig"] .wachtd-busy{color:#0d5226;background:#e3f3e8}',
    '.wachtd [data-busy="normaal"] .wachtd-busy{color:#5a4100;background:#fdf1cc}',
    '.wachtd [data-busy="druk"] .wachtd-busy{color:#8a1919;background:#fbe4e4}',
    '.wachtd .wachtd-none,.wachtd .wachtd-updated,.wachtd .wachtd-loading{margin:0 0 1em}',
    '.wachtd .wachtd-experience{margin:1.5em 0 0;padding-top:1em;border-top:1px solid #767676}',
    '.wachtd .wachtd-experience-title{margin:0 0 .5em;font-size:1.25em;line-height:1.3;font-weight:700;color:inherit}',
    '.wachtd .wachtd-experience p{margin:0 0 .5em}',
    '.wachtd .wachtd-error{margin:0 0 1em;padding:.5em .75em;border:2px solid #a4262c;border-radius:.25em;color:#7a1b1f;background:#fdf0f0;font-weight:600}',
    '.wachtd .wachtd-controls{margin:0 0 1em}',
    '.wachtd .wachtd-pause{max-width:100%;min-height:2.75em;margin:0;padding:.5em 1em;border:2px solid #1d4f91;border-radius:.375em;color:#1d4f91;background:#fff;font:inherit;font-weight:600;line-height:1.3;text-align:left;cursor:pointer}',
    '.wachtd .wachtd-pause:hover{color:#133562;border-color:#133562;background:#e8eef7}',
    '.wachtd .wachtd-pause[aria-pressed="true"]{color:#fff;background:#1d4f91}',
    '.wachtd .wachtd-pause[aria-pressed="true"]:hover{color:#fff;background:#133562}',
    '.wachtd .wachtd-pause:focus{outline:3px solid #1b1b1b;outline-offset:3px}',
    '.wachtd .wachtd-sr{position:absolute;width:1px;height:1px;margin:-1px;padding:0;border:0;overflow:hidden;clip:rect(0 0 0 0);clip-path:inset(50%);white-space:nowrap}',
    '@media (prefers-reduced-motion:no-preference){.wachtd .wachtd-changed{animation:wachtd-changed 2s ease-out}}',
    '@keyframes wachtd-changed{from{background-color:#fff3b0}}',
    '@media (forced-colors:active){.wachtd .wachtd-channel{border-left-color:CanvasText}.wachtd .wachtd-pause{border-color:ButtonText}.wachtd .wachtd-pause[aria-pressed="true"]{color:HighlightText;background:Highlight}.wachtd .wachtd-pause:focus{outline-color:Highlight}}'
  ].join('\n');

  var script = document.currentScript || findScript();
  if (!script || !script.src) {
    return;
  }
  start(script);

  // Fallback for browsers without document.currentScript.
  function findScript() {
    var all = document.getElementsByTagName('script');
    for (var i = all.length - 1; i >= 0; i--) {
      if (/(^|\/)widget\.js(\?|#|$)/.test(all[i].src)) {
        return all[i];
      }
    }
    return null;
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) {
      node.className = className;
    }
    if (text !== undefined) {
      node.textContent = text;
    }
    return node;
  }

  function injectStyle() {
    if (document.getElementById('wachtd-style')) {
      return;
    }
    var style = el('style');
    style.id = 'wachtd-style';
    style.textContent = CSS;
    (document.head || document.documentElement).appendChild(style);
  }

  // The container the page provides, or a new one right after the script.
  function findContainer(s) {
    var c = document.getElementById('wachtd-wachttijden');
    if (c) {
      return c;
    }
    c = el('div');
    c.id = 'wachtd-wachttijden';
    var parent = s.parentNode;
    if (!parent || parent === document.head || parent === document.documentElement) {
      (document.body || document.documentElement).appendChild(c);
    } else {
      parent.insertBefore(c, s.nextSibling);
    }
    return c;
  }

  function parseFilter(value) {
    if (!value) {
      return null;
    }
    var ids = value.split(',').map(function (s) { return s.trim(); })
      .filter(function (s) { return s !== ''; });
    return ids.length ? ids : null;
  }

  function str(v) {
    return typeof v === 'string' && v !== '' ? v : null;
  }

  function sentence(s) {
    return /[.!?]$/.test(s) ? s : s + '.';
  }

  // One channel from the JSON, normalised; null when unusable.
  function parseChannel(c) {
    if (!c || typeof c !== 'object' || !str(c.id) || !str(c.label)) {
      return null;
    }
    var state = c.state;
    if (!ICONS.hasOwnProperty(state)) {
      if (c.open === false) {
        state = 'gesloten';
      } else if (c.open === true && str(c.wait_text)) {
        state = 'open';
      } else {
        state = 'onbekend';
      }
    }
    var waitText = str(c.wait_text);
    if (state === 'open' && !waitText) {
      state = 'onbekend';
    }
    var ch = { id: c.id, label: c.label, state: state, busy: null, busyText: null };
    if (state === 'open') {
      ch.waitText = 'Wachttijd: ' + waitText;
      ch.spoken = 'wachttijd nu ' + waitText;
      if (BUSY_TEXT.hasOwnProperty(c.busy)) {
        ch.busy = c.busy;
        ch.busyText = str(c.busy_text) || BUSY_TEXT[c.busy];
      }
    } else {
      ch.waitText = waitText || (state === 'gesloten' ? TEXT.closed : TEXT.unknown);
      ch.spoken = ch.waitText;
    }
    return ch;
  }

  // The whole document, normalised and filtered; null when unusable.
  function parseData(data, filter) {
    if (!data || typeof data !== 'object' || !Array.isArray(data.channels)) {
      return null;
    }
    var channels = [];
    var byId = {};
    data.channels.forEach(function (c) {
      var ch = parseChannel(c);
      if (ch && !byId.hasOwnProperty(ch.id)) {
        byId[ch.id] = ch;
        channels.push(ch);
      }
    });
    if (filter) {
      channels = filter.filter(function (id) { return byId.hasOwnProperty(id); })
        .map(function (id) { return byId[id]; });
    }
    var refresh = data.refresh_s;
    if (typeof refresh !== 'number' || !isFinite(refresh)) {
      refresh = REFRESH_DEFAULT_S;
    }
    refresh = Math.min(Math.max(refresh, REFRESH_MIN_S), REFRESH_MAX_S);
    // Local time as the server wrote it (characters 11-15): no zone maths.
    var m = typeof data.updated === 'string' &&
      /^\d{4}-\d{2}-\d{2}T(\d{2}:\d{2})/.exec(data.updated);
    return {
      channels: channels,
      updated: m ? 'Bijgewerkt om ' + m[1] + '.' : null,
      experience: parseExperience(data.experience),
      refreshS: refresh
    };
  }

  // The last quarter, as the daemon worded it; null when there is none.
  function parseExperience(x) {
    if (!x || typeof x !== 'object' || typeof x.title !== 'string' ||
        !Array.isArray(x.lines)) {
      return null;
    }
    var lines = x.lines.filter(function (l) { return typeof l === 'string'; });
    return lines.length ? { title: x.title, lines: lines } : null;
  }

  // Same markup as the daemon's server-rendered part.
  function renderExperience(x) {
    var div = el('div', 'wachtd-experience');
    div.appendChild(el('h2', 'wachtd-experience-title', x.title));
    x.lines.forEach(function (l) {
      div.appendChild(el('p', null, l));
    });
    return div;
  }

  // Same markup as the daemon's server-rendered fragment.
  function renderChannel(ch) {
    var li = el('li', 'wachtd-channel');
    li.setAttribute('data-id', ch.id);
    li.setAttribute('data-state', ch.state);
    if (ch.busy) {
      li.setAttribute('data-busy', ch.busy);
    }
    li.appendChild(el('h2', 'wachtd-label', ch.label));
    var wait = el('p', 'wachtd-wait');
    var icon = el('span', 'wachtd-icon', ICONS[ch.state]);
    icon.setAttribute('aria-hidden', 'true');
    wait.appendChild(icon);
    wait.appendChild(document.createTextNode(' '));
    wait.appendChild(el('span', 'wachtd-wait-text', ch.waitText));
    li.appendChild(wait);
    if (ch.busyText) {
      li.appendChild(el('p', 'wachtd-busy', ch.busyText));
    }
    return li;
  }

  function renderData(model, changed) {
    var nodes = renderChannels(model, changed);
    if (model.experience) {
      nodes.push(renderExperience(model.experience));
    }
    return nodes;
  }

  function renderChannels(model, changed) {
    if (!model.channels.length) {
      return [el('p', 'wachtd-none', TEXT.none)];
    }
    var ul = el('ul', 'wachtd-channels');
    model.channels.forEach(function (ch) {
      var li = renderChannel(ch);
      if (changed[ch.id]) {
        li.classList.add('wachtd-changed');
      }
      ul.appendChild(li);
    });
    var nodes = [ul];
    if (model.updated) {
      nodes.push(el('p', 'wachtd-updated', model.updated));
    }
    return nodes;
  }

  // What each channel showed, read from server-rendered markup, so a change
  // between page render and the first fetch is still announced.
  function readShown(container) {
    var shown = {};
    var items = container.querySelectorAll('.wachtd-channel[data-id]');
    for (var i = 0; i < items.length; i++) {
      var wait = items[i].querySelector('.wachtd-wait-text');
      var busy = items[i].querySelector('.wachtd-busy');
      shown[items[i].getAttribute('data-id')] = {
        wait: wait ? wait.textContent : '',
        busy: busy ? busy.textContent : ''
      };
    }
    return shown;
  }

  function start(s) {
    var container = findContainer(s);
    if (container.hasAttribute('data-wachtd-widget')) {
      return;
    }
    container.setAttribute('data-wachtd-widget', '');
    container.classList.add('wachtd');
    if (!container.hasAttribute('lang')) {
      container.setAttribute('lang', 'nl');
    }
    injectStyle();

    var url;
    try {
      url = new URL('v1/waittimes.json', s.src).href;
    } catch (e) {
      return;
    }
    var filter = parseFilter(container.getAttribute('data-channels') ||
      s.getAttribute('data-channels'));
    var st = {
      shown: readShown(container),
      hasData: !!container.querySelector('.wachtd-channels, .wachtd-none'),
      failed: false,
      paused: false,
      dueWhileHidden: false,
      timer: null,
      statusTimer: null,
      req: null,
      refreshS: REFRESH_DEFAULT_S
    };

    var controls = el('div', 'wachtd-controls');
    var button = el('button', 'wachtd-pause', TEXT.pause);
    button.type = 'button';
    button.setAttribute('aria-pressed', 'false');
    controls.appendChild(button);
    var status = el('div', 'wachtd-sr');
    status.setAttribute('role', 'status');
    status.setAttribute('aria-live', 'polite');
    status.setAttribute('aria-atomic', 'true');

    if (!st.hasData) {
      clearData();
      container.appendChild(el('p', 'wachtd-loading', TEXT.loading));
    }
    container.appendChild(controls);
    container.appendChild(status);

    // Remove everything but the controls and the live region.
    function clearData() {
      var kids = Array.prototype.slice.call(container.childNodes);
      kids.forEach(function (n) {
        if (n !== controls && n !== status) {
          container.removeChild(n);
        }
      });
    }

    // A fresh text after a short pause is announced reliably; the text
    // is cleared later so nobody reads a stale sentence by browsing.
    function announce(message) {
      clearTimeout(st.statusTimer);
      status.textContent = '';
      st.statusTimer = setTimeout(function () {
        status.textContent = message;
        st.statusTimer = setTimeout(function () {
          status.textContent = '';
        }, STATUS_CLEAR_MS);
      }, 100);
    }

    function apply(model) {
      var changed = {};
      var messages = [];
      var shown = {};
      model.channels.forEach(function (ch) {
        var prev = st.shown[ch.id];
        var now = { wait: ch.waitText, busy: ch.busyText || '' };
        shown[ch.id] = now;
        if (!prev) {
          return;
        }
        var parts = [];
        if (prev.wait !== now.wait) {
          parts.push(sentence(ch.spoken));
        }
        if (prev.busy !== now.busy && now.busy) {
          parts.push(sentence(now.busy));
        }
        if (parts.length) {
          changed[ch.id] = true;
          messages.push(ch.label + ': ' + parts.join(' '));
        }
      });
      clearData();
      renderData(model, changed).forEach(function (n) {
        container.insertBefore(n, controls);
      });
      st.shown = shown;
      st.hasData = true;
      st.failed = false;
      st.refreshS = model.refreshS;
      if (messages.length) {
        announce(messages.join(' '));
      }
    }

    // Keep what is shown, and say in words that it is not current.
    function fail() {
      if (!st.hasData) {
        clearData();
      }
      if (!container.querySelector('.wachtd-error')) {
        container.insertBefore(el('p', 'wachtd-error', TEXT.failed), controls);
      }
      if (!st.failed) {
        st.failed = true;
        announce(TEXT.failed);
      }
    }

    function schedule(seconds) {
      clearTimeout(st.timer);
      st.timer = null;
      if (!st.paused) {
        st.timer = setTimeout(tick, seconds * 1000);
      }
    }

    function tick() {
      st.timer = null;
      if (document.hidden) {
        st.dueWhileHidden = true;
        return;
      }
      refresh();
    }

    // One request at a time; st.req is the live one, anything else is stale.
    function refresh() {
      if (st.paused || st.req) {
        return;
      }
      clearTimeout(st.timer);
      st.timer = null;
      var req = {
        controller: typeof AbortController === 'function' ? new AbortController() : null
      };
      st.req = req;
      var opts = { cache: 'no-cache', credentials: 'omit' };
      if (req.controller) {
        opts.signal = req.controller.signal;
        req.killer = setTimeout(function () { req.controller.abort(); }, FETCH_TIMEOUT_MS);
      }
      var p;
      try {
        p = fetch(url, opts);
      } catch (e) {
        p = Promise.reject(e);
      }
      p.then(function (res) {
        if (!res.ok) {
          throw new Error('HTTP ' + res.status);
        }
        return res.json();
      }).then(function (data) {
        if (st.req !== req) {
          return;
        }
        var model = parseData(data, filter);
        if (!model) {
          throw new Error('unexpected JSON');
        }
        apply(model);
      }).catch(function () {
        if (st.req === req) {
          fail();
        }
      }).then(function () {
        clearTimeout(req.killer);
        if (st.req === req) {
          st.req = null;
          schedule(st.refreshS);
        }
      });
    }

    // Paused means no requests at all: drop the timer and the one in flight.
    function setPaused(paused) {
      st.paused = paused;
      button.setAttribute('aria-pressed', paused ? 'true' : 'false');
      button.textContent = paused ? TEXT.resume : TEXT.pause;
      if (paused) {
        clearTimeout(st.timer);
        st.timer = null;
        st.dueWhileHidden = false;
        var req = st.req;
        st.req = null;
        if (req && req.controller) {
          req.controller.abort();
        }
      } else {
        refresh();
      }
    }

    button.addEventListener('click', function () {
      setPaused(!st.paused);
    });

    document.addEventListener('visibilitychange', function () {
      if (!document.hidden && st.dueWhileHidden) {
        st.dueWhileHidden = false;
        refresh();
      }
    });

    refresh();
  }
})();
