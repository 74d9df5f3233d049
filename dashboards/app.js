/*
 * app.js: the wachtd manager dashboard. One page, three views chosen by
 * the query string so every view has a real URL:
 *
 *   /                        overview: active alerts, every queue by channel
 *   /?queue=CHANNEL/NAME     one queue: figures, graphs, alerts, silences,
 *                            its line of the period report
 *   /?report=1&from=&to=     the period report for all queues
 *   ...&wall=1               wall screen: big type, no controls
 *
 * Views are built once and then updated in place on every poll, so a
 * field or button the user is on is never replaced under them. Data is
 * only ever put into the page as text (textContent), never as HTML.
 */
'use strict';

(function () {
	const DEFAULT_STEP = 10;	/* seconds, while /api/v1/status has none */

	/* Every state as text plus icon: colour alone never tells it. */
	const STATES = {
		ok: ['✓', 'OK'],
		warning: ['▲', 'Waarschuwing'],
		critical: ['✖', 'Kritiek'],
		closed: ['⏸', 'Gesloten'],
		unknown: ['?', 'Onbekend'],
		stale: ['∅', 'Geen gegevens']
	};
	const CHANNELS = {
		telefoon: 'Telefoon', balie: 'Balie', email: 'E-mail',
		chat: 'Chat', post: 'Post', formulier: 'Formulieren'
	};
	/* Graph metrics: Dutch name as read in alt text and headings. */
	const METRICS = {
		waiting: 'wachtenden',
		longest_wait: 'langste wachttijd',
		ewt: 'verwachte wachttijd',
		wait: 'gemiddelde wachttijd van beantwoorde contacten',
		agents: 'beschikbare medewerkers',
		backlog: 'openstaande berichten',
		oldest_age: 'leeftijd oudste openstaande bericht',
		arrived: 'binnengekomen per uur',
		answered: 'beantwoord per uur',
		abandoned: 'afgehaakt per uur',
		sl: 'servicelevel',
		direct: 'direct beantwoord bij het eerste contact',
		rating: 'gemiddelde waardering (1 tot 5)',
		rating10: 'gemiddelde waardering (0 tot 10)',
		ratings: 'beoordelingen per uur'
	};
	const RANGES = [
		['day', 'Dag', 'afgelopen dag'],
		['week', 'Week', 'afgelopen week'],
		['month', 'Maand', 'afgelopen maand'],
		['year', 'Jaar', 'afgelopen jaar']
	];
	const DAYS = ['zo', 'ma', 'di', 'wo', 'do', 'vr', 'za'];
	const MONTHS = ['januari', 'februari', 'maart', 'april', 'mei', 'juni',
	    'juli', 'augustus', 'september', 'oktober', 'november',
	    'december'];

	let step = DEFAULT_STEP;
	let view = null;	/* the view on screen: {load()} */
	let timer = null;
	let lastOk = null;	/* Date of the last successful poll */
	let failedSince = null;
	let uidNext = 0;
	let tickSeq = 0;	/* the newest poll; older ones schedule nothing */
	const shown = new WeakMap();	/* node -> what it last showed */
	const labels = new Map();	/* queue id -> label, as last seen */

	/* ------------------------------------------------------------ */
	/* DOM helpers */

	/* el('p', {class: 'x', text: 'y'}, child...): a new element. */
	function el(tag, attrs, ...children) {
		const e = document.createElement(tag);
		for (const [k, v] of Object.entries(attrs || {})) {
			if (v === null || v === undefined || v === false)
				continue;
			if (k === 'text')
				e.textContent = v;
			else if (k === 'class')
				e.className = v;
			else
				e.setAttribute(k, v === true ? '' : v);
		}
		for (const c of children)
			if (c !== null && c !== undefined)
				e.append(c);
		return e;
	}

	function uid(prefix) {
		return prefix + '-' + (++uidNext);
	}

	/* A text that only touches the DOM when it changed. */
	function setText(node, text) {
		if (node.textContent !== text)
			node.textContent = text;
	}

	/* "—" that a screen reader reads as "onbekend". */
	function unknown() {
		return [el('span', {'aria-hidden': 'true', text: '—'}),
		    el('span', {class: 'sr-only', text: 'onbekend'})];
	}

	/* "8 min 05 s" as numbers and units, so CSS can set units smaller. */
	function units(text) {
		return text.split(/([a-zA-Z]+)/).filter((t) => t !== '').map((t) =>
		    /^[a-zA-Z]+$/.test(t) ? el('span', {class: 'unit', text: t}) :
		    t);
	}

	/*
	 * Fills node with parts: strings, {sub: text} for a smaller aside,
	 * and null for an unknown value.
	 * Rebuilt only on change; these nodes hold no focusable element.
	 */
	function fill(node, parts, raw) {
		const key = JSON.stringify(parts);
		if (shown.get(node) !== key) {
			shown.set(node, key);
			node.replaceChildren();
			for (const p of parts)
				node.append(...(p === null ? unknown() :
				    typeof p === 'object' ? [el('span', {class: 'sub',
				    text: p.sub})] : units(p)));
		}
		/* The raw figure, for tests and scripts: "" when unknown. */
		if (raw !== undefined) {
			const v = raw === null ? '' : String(raw);
			if (node.dataset.value !== v)
				node.dataset.value = v;
		}
	}

	/* Replaces a list's items by lines of text, when they changed. */
	function lines(ul, texts) {
		const key = JSON.stringify(texts);
		if (shown.get(ul) !== key) {
			shown.set(ul, key);
			ul.replaceChildren(...texts.map((t) => el('li', {text: t})));
		}
	}

	function show(node, on) {
		if (node.hidden === Boolean(on))
			node.hidden = !on;
	}

	/* The state badge: icon (hidden from screen readers) and word. */
	function badge(state) {
		const b = el('span', {class: 'badge'});
		setBadge(b, state);
		return b;
	}

	function setBadge(b, state) {
		const s = STATES[state] ? state : 'unknown';
		if (b.dataset.value === s)
			return;
		b.dataset.value = s;
		b.className = 'badge st-' + s;
		b.replaceChildren(el('span', {class: 'icon', 'aria-hidden':
		    'true', text: STATES[s][0]}), ' ' + STATES[s][1]);
	}

	/* ------------------------------------------------------------ */
	/* Numbers and times as a Dutch reader writes them */

	function pad(n) {
		return String(n).padStart(2, '0');
	}

	/*
	 * "45 s", "1 min 05 s", "2 u 10 min", "3 d 4 u". Compact drops a zero
	 * last part, for round limits: "30 s", "10 min", "2 u".
	 */
	function duration(secs, compact) {
		if (secs === null || secs === undefined || !isFinite(secs) ||
		    secs < 0)
			return null;
		const s = Math.round(secs);
		if (s < 60)
			return s + ' s';
		if (s < 3600)
			return compact && s % 60 === 0 ? s / 60 + ' min' :
			    Math.floor(s / 60) + ' min ' + pad(s % 60) + ' s';
		if (s < 86400) {
			const m = Math.round(s / 60);
			return compact && m % 60 === 0 ? m / 60 + ' u' :
			    Math.floor(m / 60) + ' u ' + pad(m % 60) + ' min';
		}
		const d = Math.floor(s / 86400), h = Math.floor(s % 86400 / 3600);
		return h === 0 ? d + ' d' : d + ' d ' + h + ' u';
	}

	/* 12345 -> "12.345"; one decimal with a comma when not whole. */
	function count(n) {
		if (n === null || n === undefined || !isFinite(n))
			return null;
		return n.toLocaleString('nl-NL', {maximumFractionDigits: 1});
	}

	/* 82 -> "82%", 79.6 -> "79,6%". */
	function percent(p) {
		if (p === null || p === undefined || !isFinite(p))
			return null;
		return p.toLocaleString('nl-NL', {maximumFractionDigits: 1}) +
		    '%';
	}

	function clock(d) {
		return pad(d.getHours()) + ':' + pad(d.getMinutes()) + ':' +
		    pad(d.getSeconds());
	}

	/* An ISO time as "14:03", or "ma 30 nov 08:30" when not today. */
	function when(iso) {
		if (!iso)
			return null;
		const d = new Date(iso);
		if (isNaN(d))
			return null;
		const hm = pad(d.getHours()) + ':' + pad(d.getMinutes());
		const now = new Date();
		if (d.toDateString() === now.toDateString())
			return hm;
		return DAYS[d.getDay()] + ' ' + d.getDate() + ' ' +
		    MONTHS[d.getMonth()].slice(0, 3) + ' ' + hm;
	}

	/* "2026-07-01" -> "1 juli 2026". */
	function dutchDate(ymd) {
		const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(ymd || '');
		if (!m)
			return ymd;
		return Number(m[3]) + ' ' + MONTHS[Number(m[2]) - 1] + ' ' + m[1];
	}

	function isoDate(d) {
		return d.getFullYear() + '-' + pad(d.getMonth() + 1) + '-' +
		    pad(d.getDate());
	}

	/* The current quarter, the period a "verantwoording" is made over. */
	function thisQuarter() {
		const now = new Date();
		const q = Math.floor(now.getMonth() / 3) * 3;
		return [isoDate(new Date(now.getFullYear(), q, 1)),
		    isoDate(new Date(now.getFullYear(), q + 3, 0))];
	}

	function channelName(ch) {
		return CHANNELS[ch] || capital(ch);
	}

	/* "80% binnen 30 s": a service level norm in words. */
	function slNorm(sl) {
		return percent(sl.target) + ' binnen ' + duration(sl.within, true);
	}

	/* An alert's norm as a manager reads it; "feed" is the data supply. */
	function normName(norm) {
		return norm === 'feed' ? 'gegevensaanvoer' : 'norm ' + norm;
	}

	function capital(s) {
		return s.charAt(0).toUpperCase() + s.slice(1);
	}

	/* Mail-like queues have a backlog and no callers waiting in line. */
	function mailLike(q) {
		return q.backlog !== null || q.oldest_age !== null ||
		    /mail/.test(q.channel || '');
	}

	/* ------------------------------------------------------------ */
	/* The API */

	class ApiError extends Error {
		constructor(message, status) {
			super(message);
			this.status = status;	/* 0: no answer at all */
		}
	}

	/* JSON from the daemon; throws ApiError with its {"error"} text. */
	async function api(method, path, body) {
		const ctl = new AbortController();
		const t = setTimeout(() => ctl.abort(), 15000);
		let res;
		try {
			res = await fetch(path, {
				method,
				signal: ctl.signal,
				cache: 'no-store',
				headers: body ? {'Content-Type':
				    'application/json'} : {},
				body: body ? JSON.stringify(body) : undefined
			});
		} catch (e) {
			throw new ApiError('wachtd is niet bereikbaar', 0);
		} finally {
			clearTimeout(t);
		}
		let data = null;
		try {
			data = await res.json();
		} catch (e) {
			data = null;
		}
		if (!res.ok)
			throw new ApiError(data && data.error ? data.error :
			    'HTTP-fout ' + res.status, res.status);
		return data;
	}

	/* The step from /api/v1/status: 10, or "10s" should it become one. */
	async function loadStep() {
		try {
			const st = await api('GET', '/api/v1/status');
			let s = st && st.step;
			if (typeof s === 'string') {
				const m = /^(\d+)(s|m)?$/.exec(s);
				s = m ? Number(m[1]) * (m[2] === 'm' ? 60 : 1) :
				    NaN;
			}
			if (typeof s === 'number' && isFinite(s) && s > 0)
				step = Math.min(Math.max(s, 2), 300);
		} catch (e) {
			/* The first poll reports an unreachable daemon. */
		}
	}

	/* ------------------------------------------------------------ */
	/* Polling */

	/* One poll of the view on screen, then the next after one step. */
	async function tick() {
		clearTimeout(timer);
		const v = view, seq = ++tickSeq;
		try {
			/* false: the view fetched nothing live (the report) */
			if (await v.load() !== false && v === view)
				online();
		} catch (e) {
			if (v !== view)
				return;
			if (e.status === 0 || e.status >= 500)
				offline();
			else
				console.error(e);
		} finally {
			if (seq === tickSeq)
				timer = setTimeout(tick, step * 1000);
		}
	}

	function online() {
		lastOk = new Date();
		failedSince = null;
		setText(document.getElementById('updated'), 'Bijgewerkt om ' +
		    clock(lastOk));
		setText(document.getElementById('conn'), '');
		document.body.classList.remove('offline');
	}

	function offline() {
		if (failedSince === null)
			failedSince = new Date();
		document.body.classList.add('offline');
		setText(document.getElementById('conn'),
		    'wachtd is niet bereikbaar (sinds ' + clock(failedSince) +
		    '). ' + (lastOk ? 'De getoonde gegevens zijn van ' +
		    clock(lastOk) + '. ' : 'Er zijn nog geen gegevens. ') +
		    'Het dashboard probeert het elke ' + step +
		    ' seconden opnieuw.');
	}

	/* ------------------------------------------------------------ */
	/* Queue figures: one block per queue, updated in place */

	/*
	 * What a queue shows: [field, label, value parts, shown?]. Parts are
	 * strings and null (unknown). `full` adds what the queue page has
	 * room for.
	 */
	function figures(q, full) {
		const mail = mailLike(q);
		const live = (v) => !mail || v !== null;
		const ewt = [duration(q.ewt)];
		if (q.overloaded)
			ewt.push({sub: ' (overbelast)'});
		const win = q.window ? ' (laatste ' + duration(q.window, true) +
		    ')' : '';
		let sl = null;
		if (q.sl) {
			let aside = ' (norm ' + slNorm(q.sl);
			if (full && q.sl.predicted !== null &&
			    q.sl.predicted !== undefined)
				aside += ', verwacht ' + percent(q.sl.predicted);
			sl = [percent(q.sl.value), {sub: aside + ')'}];
		}
		return [
			['waiting', 'Wachtend', [count(q.waiting)], q.waiting,
			    live(q.waiting)],
			['longest_wait', 'Langste wachttijd',
			    [duration(q.longest_wait)], q.longest_wait,
			    live(q.longest_wait)],
			['ewt', 'Verwachte wachttijd', ewt, q.ewt, live(q.ewt)],
			['sl', 'Servicelevel', sl || [], q.sl ? q.sl.value : null,
			    q.sl !== null],
			['backlog', 'Openstaand', [count(q.backlog)], q.backlog,
			    mail],
			['oldest_age', 'Oudste bericht', [duration(q.oldest_age)],
			    q.oldest_age, mail],
			['clear_in', 'Weggewerkt over', [duration(q.clear_in)],
			    q.clear_in, full && mail],
			['agents', 'Medewerkers beschikbaar', [count(q.agents)],
			    q.agents, full && q.agents !== null],
			['arrived', 'Binnengekomen' + win, [count(q.arrived)],
			    q.arrived, full],
			['answered', 'Beantwoord' + win, [count(q.answered)],
			    q.answered, full],
			['abandoned', 'Afgehaakt' + win, [count(q.abandoned)],
			    q.abandoned, full && !mail],
			['handle_time', 'Gemiddelde afhandeltijd',
			    [duration(q.handle_time)], q.handle_time,
			    full && q.handle_time !== null],
			['direct', 'Direct beantwoord', directParts(q),
			    q.direct ? q.direct.value : null, !!q.direct],
			['rating', 'Waardering', ratingParts(q),
			    q.rating ? q.rating.value : null, !!q.rating],
			['updated', 'Laatste meting', [when(q.updated)], q.updated,
			    full]
		];
	}

	/* "72% (norm 80%; 18 van 25, laatste 24 u)": first contact. */
	function directParts(q) {
		const d = q.direct;
		if (!d)
			return [];
		return [percent(d.value), {sub: ' (' + (d.target !== undefined ?
		    'norm ' + percent(d.target) + '; ' : '') + count(d.direct) +
		    ' van ' + count(d.count) + ', laatste ' +
		    duration(d.window, true) + ')'}];
	}

	/* "4,1 van 5 (norm 4; 82% positief, 57 beoordelingen)". */
	function ratingParts(q) {
		const r = q.rating;
		if (!r)
			return [];
		let norm = '';
		if (r.target !== undefined)
			norm = 'norm ' + count(r.target) + '; ';
		else if (r.positive_target !== undefined)
			norm = 'norm ' + percent(r.positive_target) + ' positief; ';
		return [count(r.value) + ' van ' + r.scale, {sub: ' (' + norm +
		    percent(r.positive) + ' positief, ' + count(r.count) +
		    (r.count === 1 ? ' beoordeling' : ' beoordelingen') + ')'}];
	}

	/* "Open", or "Gesloten, opent ma 28 nov 08:30". */
	function openText(q) {
		if (q.open)
			return 'Open';
		return q.next_open ? 'Gesloten, opent ' + when(q.next_open) :
		    'Gesloten';
	}

	/* What is being done about this queue's alerts, in one line each. */
	function alertNotes(alerts) {
		return alerts.map((a) => (STATES[a.state] || STATES.unknown)[1] +
		    ' (' + normName(a.norm) + '): ' + (a.acked && a.ack ?
		    'bevestigd door ' + a.ack.by : a.acked ? 'bevestigd' :
		    'niet bevestigd') + (a.silenced ? ', stilgezet' : ''));
	}

	/*
	 * A queue's block: heading, state, open/closed, a list of figures and
	 * a note on its alerts. Returns {root, update(q, alerts)}.
	 */
	function queueBlock(q, opts) {
		const root = el(opts.tag || 'article', {class: 'queue',
		    'data-queue': q.id});
		const title = opts.link ? el('a', {href: queueHref(q.id)}) :
		    el('span');
		const head = el(opts.heading, {class: 'queue-title'}, title);
		const state = badge(q.state);
		state.setAttribute('data-field', 'state');
		const open = el('span', {class: 'open', 'data-field': 'open'});
		const dl = el('dl', {class: 'figures'});
		const rows = {};
		for (const [field, label] of figures(q, opts.full)) {
			const dt = el('dt', {text: label});
			const dd = el('dd', {'data-field': field});
			const row = el('div', {class: 'fig fig-' + field}, dt, dd);
			rows[field] = {row, dt, dd};
			dl.append(row);
		}
		const notes = el('ul', {class: 'notes', 'data-field': 'alerts'});
		root.append(el('div', {class: 'head'}, head, el('p',
		    {class: 'status'}, state, ' ', open)), dl, notes);

		function update(qq, alerts) {
			setText(title, qq.label);
			setBadge(state, qq.state);
			root.className = 'queue is-' + state.dataset.value;
			setText(open, openText(qq));
			open.dataset.value = String(qq.open);
			for (const [field, label, parts, raw, on] of
			    figures(qq, opts.full)) {
				const r = rows[field];
				show(r.row, on);
				setText(r.dt, label);
				fill(r.dd, parts, raw);
			}
			const notelines = alertNotes(alerts);
			lines(notes, notelines);
			show(notes, notelines.length > 0);
		}
		update(q, opts.alerts || []);
		return {root, update};
	}

	/* ------------------------------------------------------------ */
	/* Routing: real URLs, navigated without a reload */

	function params() {
		return new URLSearchParams(location.search);
	}

	function isWall() {
		const w = params().get('wall');
		return w !== null && w !== '0';
	}

	/* Queue ids are [a-z0-9_-]/[a-z0-9_-]: safe to put in a URL as is. */
	function queueHref(id) {
		return '/?queue=' + id;
	}

	/* A link into the dashboard: followed here, focus to the heading. */
	function onClick(ev) {
		const a = ev.target.closest('a[href]');
		if (!a || ev.defaultPrevented || ev.button !== 0 || ev.metaKey ||
		    ev.ctrlKey || ev.shiftKey || ev.altKey)
			return;
		const url = new URL(a.href, location.href);
		if (url.origin !== location.origin || url.pathname !== '/')
			return;
		if (a.getAttribute('href').startsWith('#'))
			return;
		ev.preventDefault();
		go(url.pathname + url.search, true);
	}

	function go(url, focus) {
		if (url !== location.pathname + location.search)
			history.pushState(null, '', url);
		render(focus);
	}

	/* Replaces the view with the one the URL names. */
	function render(focus) {
		const p = params();
		const wall = isWall();
		document.documentElement.classList.toggle('wall', wall);
		document.getElementById('wall-exit').hidden = !wall;
		if (wall) {
			const u = new URLSearchParams(p);
			u.delete('wall');
			const s = u.toString();
			document.getElementById('wall-exit').href = '/' +
			    (s ? '?' + s : '');
		}
		const root = document.getElementById('view');
		root.replaceChildren();
		if (p.has('queue'))
			view = queueView(root, p.get('queue'));
		else if (p.has('report'))
			view = reportView(root);
		else
			view = overviewView(root);
		document.body.dataset.view = p.has('queue') ? 'queue' :
		    view.nav;
		for (const a of document.querySelectorAll('[data-nav]')) {
			const cur = a.dataset.nav === view.nav && !wall;
			if (cur)
				a.setAttribute('aria-current', 'page');
			else
				a.removeAttribute('aria-current');
		}
		if (focus)
			document.getElementById('title').focus();
		tick();
	}

	function setTitle(h1, doc) {
		setText(document.getElementById('title'), h1);
		document.title = (doc || h1) + ' — wachtd';
	}

	/* ------------------------------------------------------------ */
	/* Overview */

	function overviewView(root) {
		const wall = isWall();
		setTitle('Wachttijden nu', wall ? 'Wandscherm' : 'Overzicht');
		const alertsH = el('h2', {id: uid('h'), text: 'Actieve meldingen'});
		const alertList = el('ul', {class: 'alerts'});
		const noAlerts = el('p', {class: 'quiet', text:
		    'Geen actieve meldingen.'});
		const channelsBox = el('div', {class: 'channels'});
		root.append(el('section', {class: 'alert-box',
		    'aria-labelledby': alertsH.id}, alertsH, noAlerts, alertList),
		    channelsBox);
		const blocks = new Map();	/* queue id -> block */
		const sections = new Map();	/* channel -> <ul> */
		const alertItems = new Map();	/* alert id -> item */

		function section(ch) {
			if (!sections.has(ch)) {
				const h = el('h2', {id: uid('h'), text:
				    channelName(ch)});
				const ul = el('ul', {class: 'cards'});
				channelsBox.append(el('section', {class: 'channel',
				    'aria-labelledby': h.id}, h, ul));
				sections.set(ch, ul);
			}
			return sections.get(ch);
		}

		async function load() {
			const [qs, as] = await Promise.all([
			    api('GET', '/api/v1/queues'),
			    api('GET', '/api/v1/alerts')]);
			const alerts = as.alerts || [];
			updateAlertList(alertList, alertItems, alerts, !wall);
			show(noAlerts, alerts.length === 0);
			show(alertList, alerts.length > 0);
			const seen = new Set();
			for (const q of qs.queues || []) {
				seen.add(q.id);
				labels.set(q.id, q.label);
				const mine = alerts.filter((a) => a.queue === q.id);
				if (blocks.has(q.id)) {
					blocks.get(q.id).update(q, mine);
					continue;
				}
				const b = queueBlock(q, {tag: 'li', heading: 'h3',
				    link: !wall, alerts: mine});
				b.root.classList.add('card');
				blocks.set(q.id, b);
				const ul = section(q.channel || q.id.split('/')[0]);
				ul.append(b.root);
				/* Its width in columns: the layout spans by it. */
				ul.parentNode.dataset.n = String(Math.min(
				    ul.children.length, 3));
			}
			for (const [id, b] of blocks)
				if (!seen.has(id) && !b.root.contains(
				    document.activeElement)) {
					b.root.remove();
					blocks.delete(id);
				}
		}
		return {load, nav: 'overview'};
	}

	/*
	 * The active alerts, worst first as the daemon sorts them, one item
	 * per alert id so a link the user is on stays where it is.
	 */
	function updateAlertList(ul, items, alerts, link) {
		const seen = new Set();
		let prev = null;
		for (const a of alerts) {
			seen.add(a.id);
			let it = items.get(a.id);
			if (!it) {
				it = alertItem(a, link);
				items.set(a.id, it);
			}
			it.update(a);
			/* Keep the daemon's order without moving what is in place. */
			const want = prev ? prev.nextSibling : ul.firstChild;
			if (want !== it.root)
				ul.insertBefore(it.root, want);
			prev = it.root;
		}
		for (const [id, it] of items)
			if (!seen.has(id)) {
				it.root.remove();
				items.delete(id);
			}
	}

	function alertItem(a, link) {
		const b = badge(a.state);
		const label = link ? el('a', {href: queueHref(a.queue)}) :
		    el('span', {class: 'label'});
		const text = el('span', {class: 'reason'});
		/* data-alert, not data-queue: that names the queue's own block. */
		const root = el('li', {class: 'alert', 'data-alert': a.id}, b, ' ',
		    label, ' ', text);
		return {root, update(x) {
			setBadge(b, x.state);
			root.className = 'alert is-' + b.dataset.value;
			setText(label, x.label);
			setText(text, alertLine(x));
		}};
	}

	/* "norm telefoon: <reason> · sinds 14:03 · bevestigd door Anna". */
	function alertLine(a) {
		const parts = [normName(a.norm) + (a.reason ? ': ' + a.reason :
		    '')];
		if (a.since)
			parts.push('sinds ' + when(a.since));
		if (a.acked)
			parts.push('bevestigd' + (a.ack && a.ack.by ? ' door ' +
			    a.ack.by : ''));
		if (a.silenced)
			parts.push('stilgezet');
		return parts.join(' · ');
	}

	/* ------------------------------------------------------------ */
	/* One queue */

	function queueView(root, id) {
		if (!/^[a-z0-9_-]+\/[a-z0-9_-]+$/.test(id))
			return missingView(root, id);
		const wall = isWall();
		const p = params();
		const range = RANGES.some((r) => r[0] === p.get('range')) ?
		    p.get('range') : 'day';
		setTitle(labels.get(id) || id);
		const back = el('p', {class: 'back control'},
		    el('a', {href: '/'}, el('span', {'aria-hidden': 'true',
		    text: '← '}), 'Terug naar het overzicht'));
		const live = sectionWith('Nu');
		const alertsSec = sectionWith('Meldingen');
		const noAlerts = el('p', {class: 'quiet', text:
		    'Geen actieve meldingen.'});
		const alertList = el('ul', {class: 'alerts full'});
		alertsSec.append(noAlerts, alertList);
		const silSec = sectionWith('Stiltes', 'control');
		const graphSec = sectionWith('Grafieken');
		const repSec = sectionWith('Rapportage', 'control');
		root.append(back, live, alertsSec, silSec, graphSec, repSec);

		let block = null, graphs = null, missing = false;
		const alertItems = new Map();
		const silences = silencePart(silSec, id);
		const report = wall ? null : queueReport(repSec, id,
		    silences.learn);

		async function load() {
			let q;
			try {
				q = await api('GET', '/api/v1/queues/' + id);
			} catch (e) {
				if (e.status !== 404)
					throw e;
				if (!missing) {
					missing = true;
					root.replaceChildren();
					missingView(root, id);
				}
				return false;
			}
			const [as, ss] = await Promise.all([
			    api('GET', '/api/v1/alerts'),
			    wall ? {silences: []} : api('GET', '/api/v1/silences')]);
			const alerts = (as.alerts || []).filter((a) =>
			    a.queue === id);
			if (!block) {
				setTitle(q.label);
				block = queueBlock(q, {heading: 'h3', full: true,
				    alerts});
				block.root.querySelector('.queue-title').classList
				    .add('sr-only');
				live.append(block.root);
				graphs = graphPart(graphSec, q, range);
			}
			block.update(q, alerts);
			graphs.update(q);
			for (const a of alerts)
				silences.learn(a.norm);
			updateQueueAlerts(alertList, alertItems, alerts, id,
			    !wall, silences.refresh);
			show(noAlerts, alerts.length === 0);
			show(alertList, alerts.length > 0);
			silences.update(ss.silences || []);
			if (report)
				report.start();
		}
		return {load, nav: null};
	}

	/* A queue that is not there (any more): say so, link home. */
	function missingView(root, id) {
		setTitle('Wachtrij niet gevonden');
		root.append(el('p', {text: 'Er is geen wachtrij "' + id + '". '},
		    el('a', {href: '/', text: 'Naar het overzicht'})));
		return {load: () => Promise.resolve(false), nav: null};
	}

	/* A <section> with an <h2>, labelled by it; focusable by script. */
	function sectionWith(title, cls) {
		const h = el('h2', {id: uid('h'), text: title, tabindex: '-1'});
		return el('section', {class: cls || null, 'aria-labelledby': h.id},
		    h);
	}

	/*
	 * The graphs of a queue: a range chooser (radio buttons) and one image
	 * per metric that means something for this queue.
	 */
	function graphPart(sec, q, range) {
		const name = 'range-' + uidNext;
		const fs = el('fieldset', {class: 'ranges control'},
		    el('legend', {text: 'Periode van de grafieken'}));
		for (const [r, label] of RANGES) {
			const rid = uid('range');
			fs.append(el('span', {class: 'radio'},
			    el('input', {type: 'radio', name, id: rid, value: r,
			    checked: r === range}),
			    el('label', {for: rid, text: label})));
		}
		const grid = el('div', {class: 'graphs'});
		sec.append(fs, grid);
		let metrics = null;
		let stamp = 0;		/* last refresh, minutes */

		fs.addEventListener('change', (ev) => {
			range = ev.target.value;
			const u = params();
			if (range === 'day')
				u.delete('range');
			else
				u.set('range', range);
			history.replaceState(null, '', '/?' + u.toString()
			    .replace(/%2F/g, '/'));
			if (metrics)
				draw(true);
		});

		/* Which graphs mean something for this queue, in reading order. */
		function wanted(qq) {
			const m = [];
			if (mailLike(qq))
				m.push('backlog', 'oldest_age', 'arrived', 'answered');
			else {
				m.push('waiting', 'longest_wait', 'ewt', 'wait');
				if (qq.sl)
					m.push('sl');
				m.push('agents', 'arrived', 'answered', 'abandoned');
			}
			if (qq.direct)
				m.push('direct');
			if (qq.rating)
				m.push(qq.rating.scale === 10 ? 'rating10' : 'rating',
				    'ratings');
			return m;
		}

		/* A graph URL; the day graph gets `end` when it must be redrawn. */
		function src(metric, fresh) {
			let u = '/graph/' + q.id + '/' + metric + '.png?range=' +
			    range;
			if (fresh)
				u += '&end=' + Math.floor(Date.now() / 60000) * 60;
			return u;
		}

		function draw(rebuild, fresh) {
			if (rebuild) {
				grid.replaceChildren();
				for (const m of metrics.split(' ')) {
					const label = METRICS[m];
					const img = el('img', {src: src(m, fresh), alt:
					    'Grafiek: ' + label + ', ' + rangeText(),
					    width: 897, height: 368,
					    'data-metric': m});
					const fail = el('p', {class: 'quiet', hidden: true,
					    text: 'Grafiek niet beschikbaar.'});
					img.addEventListener('error', () => {
						img.hidden = true;
						fail.hidden = false;
					});
					img.addEventListener('load', () => {
						img.hidden = false;
						fail.hidden = true;
					});
					grid.append(el('figure', {class: 'graph'},
					    el('figcaption', {text: capital(label)}), img,
					    fail));
				}
			} else
				for (const img of grid.querySelectorAll('img'))
					img.src = src(img.dataset.metric, fresh);
		}

		function rangeText() {
			return RANGES.find((r) => r[0] === range)[2];
		}

		return {update(qq) {
			/* No data ever: no history to draw, nor 404s to fetch. */
			const want = qq.updated ? wanted(qq).join(' ') : '';
			if (want !== metrics) {
				metrics = want;
				if (want === '')
					grid.replaceChildren(el('p', {class: 'quiet', text:
					    'Er zijn nog geen gegevens om te tonen.'}));
				else
					draw(true);
				stamp = Math.floor(Date.now() / 60000);
				return;
			}
			/*
			 * The day graph moves: redraw once a minute. Graph URLs
			 * take no cache-buster, so a new `end` makes the new URL.
			 */
			const now = Math.floor(Date.now() / 60000);
			if (range === 'day' && now !== stamp) {
				stamp = now;
				draw(false, true);
			}
		}};
	}

	/*
	 * The queue's active alerts, each with an "Bevestigen" and a
	 * "Stilzetten" form. Items are kept per alert id: a form being filled
	 * in is never rebuilt by a poll.
	 */
	function updateQueueAlerts(ul, items, alerts, id, forms, after) {
		const seen = new Set();
		for (const a of alerts) {
			seen.add(a.id);
			let it = items.get(a.id);
			if (!it) {
				it = queueAlertItem(a, forms, after);
				items.set(a.id, it);
				ul.append(it.root);
			}
			it.update(a);
		}
		for (const [aid, it] of items)
			if (!seen.has(aid)) {
				/* Not under someone's cursor: they would lose it. */
				if (it.root.contains(document.activeElement)) {
					it.gone();
					continue;
				}
				it.root.remove();
				items.delete(aid);
			}
	}

	function queueAlertItem(a, forms, after) {
		const b = badge(a.state);
		const head = el('h3', {class: 'alert-head'}, b, ' ',
		    el('span', {text: capital(normName(a.norm))}));
		const reason = el('p', {class: 'reason'});
		const meta = el('ul', {class: 'meta'});
		const msg = el('p', {class: 'msg', role: 'status'});
		const err = el('p', {class: 'error', role: 'alert'});
		const root = el('li', {class: 'alert', 'data-alert': a.id},
		    head, reason, meta, msg, err);
		if (forms)
			root.append(ackForm(a, msg, err, after),
			    silenceForm(a.queue, a.norm, msg, err, after));

		return {root, update(x) {
			setBadge(b, x.state);
			root.className = 'alert is-' + b.dataset.value;
			setText(reason, x.reason || '');
			const t = [];
			if (x.since)
				t.push('Sinds ' + when(x.since));
			if (x.value !== null && x.threshold !== null)
				t.push('Waarde ' + count(x.value) + ', grens ' +
				    count(x.threshold));
			if (x.acked && x.ack)
				t.push('Bevestigd door ' + x.ack.by + ' om ' +
				    when(x.ack.at) + (x.ack.comment ? ': ' +
				    x.ack.comment : '') + (x.ack.expires ?
				    ' (tot ' + when(x.ack.expires) + ')' : ''));
			else
				t.push('Niet bevestigd');
			if (x.silenced)
				t.push('Stilgezet');
			lines(meta, t);
		}, gone() {
			setText(reason, 'Deze melding is niet meer actief.');
		}};
	}

	/*
	 * A disclosure (<details>) holding a form: keyboard-usable as is.
	 * Opening it fills in the name last used, when still empty.
	 */
	function disclosure(summary, form) {
		const d = el('details', {class: 'act control'},
		    el('summary', {text: summary}), form);
		d.addEventListener('toggle', () => {
			const by = form.elements.namedItem('by');
			if (d.open && by && by.value === '')
				by.value = who();
		});
		return d;
	}

	/* A labelled input; hint becomes its description. */
	function field(label, attrs, hint) {
		const id = uid('f');
		const hid = hint ? id + '-hint' : null;
		return el('p', {class: 'field'},
		    el('label', {for: id, text: label}),
		    el('input', Object.assign({id, 'aria-describedby': hid},
		    attrs)),
		    hint ? el('span', {class: 'hint', id: hid, text: hint}) : null);
	}

	/* Who is acting, remembered on this computer for the next form. */
	function who() {
		try {
			return localStorage.getItem('wachtd.by') || '';
		} catch (e) {
			return '';
		}
	}

	function rememberWho(by) {
		try {
			localStorage.setItem('wachtd.by', by);
		} catch (e) {
			/* Private mode: just ask again next time. */
		}
	}

	/*
	 * Sends a form's data; shows the daemon's error in the role="alert"
	 * paragraph, or closes the disclosure and says it worked.
	 */
	function submitter(form, msg, err, send, okText, after) {
		form.addEventListener('submit', async (ev) => {
			ev.preventDefault();
			const button = form.querySelector('button[type=submit]');
			setText(err, '');
			setText(msg, '');
			button.disabled = true;
			try {
				await send(new FormData(form));
				const d = form.closest('details');
				if (d) {
					d.open = false;
					d.querySelector('summary').focus();
				}
				setText(msg, okText);
				if (after)
					after();
				tick();
			} catch (e) {
				setText(err, 'Dat lukte niet: ' + e.message);
			} finally {
				button.disabled = false;
			}
		});
	}

	function ackForm(a, msg, err, after) {
		const form = el('form', {class: 'form', 'data-form': 'ack'},
		    field('Naam', {name: 'by', required: true, autocomplete:
		    'name', value: who(), maxlength: '200'}),
		    field('Toelichting', {name: 'comment', maxlength: '200'},
		    'Optioneel, bijvoorbeeld wat u eraan doet.'),
		    field('Geldig voor', {name: 'expires', value: '2h',
		    inputmode: 'text', size: '6'},
		    'Bijvoorbeeld 30m, 2h of 1d. Leeg: tot de melding voorbij is.'),
		    el('button', {type: 'submit', text: 'Bevestigen'}));
		submitter(form, msg, err, (fd) => {
			const body = {by: fd.get('by').trim(),
			    comment: fd.get('comment').trim()};
			const exp = fd.get('expires').trim();
			if (exp)
				body.expires = exp;
			rememberWho(body.by);
			return api('POST', '/api/v1/alerts/' + a.id + '/ack', body);
		}, 'De melding is bevestigd.', after);
		return disclosure('Bevestigen', form);
	}

	/* Silence `norm` ("*": all) of a queue for a while. */
	function silenceForm(queue, norm, msg, err, after, normSelect) {
		const fields = [];
		if (normSelect)
			fields.push(normSelect);
		fields.push(
		    field('Naam', {name: 'by', required: true, autocomplete:
		    'name', value: who(), maxlength: '200'}),
		    field('Reden', {name: 'reason', required: true,
		    maxlength: '200'}, 'Bijvoorbeeld: storing telefooncentrale.'),
		    field('Duur', {name: 'duration', value: '1h', required: true,
		    size: '6'}, 'Bijvoorbeeld 30m, 1h of 1d.'),
		    el('button', {type: 'submit', text: 'Stilzetten'}));
		const form = el('form', {class: 'form', 'data-form': 'silence'},
		    ...fields);
		submitter(form, msg, err, (fd) => {
			const body = {queue, norm: fd.get('norm') || norm,
			    duration: fd.get('duration').trim(),
			    by: fd.get('by').trim(), reason: fd.get('reason').trim()};
			rememberWho(body.by);
			return api('POST', '/api/v1/silences', body);
		}, 'Stilgezet.', after);
		return disclosure(normSelect ? 'Wachtrij stilzetten' :
		    'Stilzetten', form);
	}

	/* fnmatch(3) without flags, as the daemon matches silences. */
	function globMatch(glob, s) {
		let re = '';
		for (let i = 0; i < glob.length; i++) {
			const c = glob[i];
			if (c === '*')
				re += '.*';
			else if (c === '?')
				re += '.';
			else if (c === '[' && glob.indexOf(']', i + 2) > i) {
				const j = glob.indexOf(']', i + 2);
				re += '[' + glob.slice(i + 1, j).replace(/^!/, '^')
				    .replace(/\\/g, '\\\\') + ']';
				i = j;
			} else
				re += c.replace(/[.+^${}()|\\\]]/g, '\\$&');
		}
		try {
			return new RegExp('^' + re + '$').test(s);
		} catch (e) {
			return false;
		}
	}

	/*
	 * The silences that cover this queue, each with a button to lift it,
	 * and a form to silence the queue (all norms or one).
	 */
	function silencePart(sec, id) {
		const list = el('ul', {class: 'silences'});
		const none = el('p', {class: 'quiet', text:
		    'Geen stiltes voor deze wachtrij.'});
		const msg = el('p', {class: 'msg', role: 'status'});
		const err = el('p', {class: 'error', role: 'alert'});
		const sid = uid('f');
		const select = el('select', {id: sid, name: 'norm'},
		    el('option', {value: '*', text: 'Alle normen'}));
		const selField = el('p', {class: 'field'},
		    el('label', {for: sid, text: 'Norm'}), select);
		const items = new Map();
		const norms = new Set();
		sec.append(none, list, msg, err);
		let current = [];

		async function refresh() {
			try {
				const ss = await api('GET', '/api/v1/silences');
				update(ss.silences || []);
			} catch (e) {
				/* The next poll tries again. */
			}
		}
		sec.append(silenceForm(id, '*', msg, err, refresh, selField));

		function update(all) {
			current = all.filter((s) => globMatch(s.queue, id));
			const seen = new Set();
			for (const s of current) {
				seen.add(s.id);
				let it = items.get(s.id);
				if (!it) {
					it = silenceItem(s);
					items.set(s.id, it);
					list.append(it.root);
				}
				it.update(s);
			}
			for (const [sidk, it] of items)
				if (!seen.has(sidk)) {
					it.root.remove();
					items.delete(sidk);
				}
			show(none, current.length === 0);
			show(list, current.length > 0);
		}

		function silenceItem(s) {
			const text = el('span');
			const what = el('span', {class: 'sr-only'});
			const button = el('button', {type: 'button', class:
			    'small'}, 'Opheffen', what);
			const root = el('li', {'data-silence': s.id}, text, ' ',
			    button);
			button.addEventListener('click', async () => {
				setText(err, '');
				setText(msg, '');
				button.disabled = true;
				try {
					await api('DELETE', '/api/v1/silences/' +
					    encodeURIComponent(s.id));
					/* Focus to a neighbour, not to nowhere. */
					const next = root.nextElementSibling ||
					    root.previousElementSibling;
					items.delete(s.id);
					root.remove();
					show(none, items.size === 0);
					show(list, items.size > 0);
					setText(msg, 'De stilte is opgeheven.');
					if (next)
						next.querySelector('button').focus();
					else
						sec.querySelector('h2').focus();
					tick();
				} catch (e) {
					button.disabled = false;
					setText(err, 'Opheffen lukte niet: ' + e.message);
				}
			});
			return {root, update(x) {
				const norm = x.norm === '*' ? 'alle normen' :
				    normName(x.norm);
				setText(text, (x.queue === id ? '' : x.queue + ', ') +
				    norm + ', tot ' + when(x.ends) + ', door ' + x.by +
				    (x.reason ? ': ' + x.reason : ''));
				setText(what, ' (stilte ' + norm + ' tot ' +
				    when(x.ends) + ')');
			}};
		}

		/* A norm name seen in an alert or the report: offer it. */
		function learn(norm) {
			if (!norm || norms.has(norm))
				return;
			norms.add(norm);
			select.append(el('option', {value: norm, text: norm ===
			    'feed' ? 'Gegevensaanvoer (feed)' : capital(normName(norm))}));
		}
		return {update, refresh, learn};
	}

	/* ------------------------------------------------------------ */
	/* The period report */

	/*
	 * The form with from/to (default: this quarter). Calls load(from, to)
	 * on submit and once at start; keeps the period in the URL.
	 */
	function periodForm(sec, load) {
		const p = params();
		const [qf, qt] = thisQuarter();
		const from = /^\d{4}-\d{2}-\d{2}$/.test(p.get('from')) ?
		    p.get('from') : qf;
		const to = /^\d{4}-\d{2}-\d{2}$/.test(p.get('to')) ?
		    p.get('to') : qt;
		const fFrom = field('Van', {type: 'date', name: 'from', value:
		    from, required: true});
		const fTo = field('Tot en met', {type: 'date', name: 'to', value:
		    to, required: true});
		const form = el('form', {class: 'form period control',
		    'data-form': 'report'}, fFrom, fTo,
		    el('button', {type: 'submit', text: 'Toon rapportage'}));
		sec.append(form);
		form.addEventListener('submit', (ev) => {
			ev.preventDefault();
			const fd = new FormData(form);
			const u = params();
			u.set('from', fd.get('from'));
			u.set('to', fd.get('to'));
			history.replaceState(null, '', '/?' + u.toString()
			    .replace(/%2F/g, '/'));
			load(fd.get('from'), fd.get('to'));
		});
		return () => load(from, to);
	}

	/* The report's figures for one row, as report_fmt.c words them. */
	function reportCells(row) {
		const met = row.met === true ? 'ja' : row.met === false ? 'nee' :
		    null;
		let ab = count(row.abandoned);
		if (ab !== null && row.abandon_pct !== null &&
		    row.abandon_pct !== undefined)
			ab += ' (' + percent(row.abandon_pct) + ')';
		return [
			['Contacten', count(row.contacts)],
			['Beantwoord', count(row.answered)],
			['Binnen norm', percent(row.within_pct)],
			['Norm', normText(row.norm)],
			['Gehaald', met],
			['Gem. wacht', duration(row.wait_avg)],
			['Max. wacht', duration(row.wait_max)],
			['Afgehaakt', ab],
			['Direct beantwoord', directCell(row.resolved)],
			['Waardering', ratingCell(row.ratings)]
		];
	}

	/* "85% (17 van 20; norm 80%, gehaald)", or null without any. */
	function directCell(d) {
		if (!d)
			return null;
		return percent(d.direct_pct) + ' (' + count(d.direct) + ' van ' +
		    count(d.direct + d.indirect) + (d.target !== null ?
		    '; norm ' + percent(d.target) + ', ' + (d.met ? 'gehaald' :
		    'niet gehaald') : '') + ')';
	}

	/* "3,71 van 5 (7; 57,1% positief)", or null without ratings. */
	function ratingCell(r) {
		if (!r)
			return null;
		return r.average.toLocaleString('nl-NL',
		    {maximumFractionDigits: 2}) + ' van ' +
		    r.scale + ' (' + count(r.count) + '; ' +
		    percent(r.positive_pct) + ' positief' +
		    (r.met === true ? ', norm gehaald' : r.met === false ?
		    ', norm niet gehaald' : '') + ')';
	}

	/* "80% binnen 30 s", "max. 10 min", "binnen 2 werkdagen". */
	function normText(n) {
		if (!n)
			return null;
		const t = n.target !== null && n.target !== undefined &&
		    n.target !== 100 ? percent(n.target) + ' ' : '';
		if (n.kind === 'respond_within' && n.workdays >= 1)
			return t + 'binnen ' + n.workdays + ' werkdag' +
			    (n.workdays === 1 ? '' : 'en');
		if (n.kind === 'answer_within')
			return percent(n.target) + ' binnen ' +
			    duration(n.limit, true);
		if (n.kind === 'max_wait')
			return t + 'max. ' + duration(n.limit, true);
		if (n.kind === 'respond_within')
			return t + 'binnen ' + duration(n.limit, true) +
			    ' werktijd';
		return n.name || null;
	}

	/* A table cell: text, or "—" read as "onbekend". */
	function cell(tag, text, attrs) {
		const c = el(tag, attrs);
		fill(c, [text]);
		return c;
	}

	function coverage(row) {
		if (row.covered === null || row.covered === undefined ||
		    row.covered >= 100)
			return null;
		return 'Gemeten gedurende ' + percent(Math.floor(row.covered *
		    10) / 10) + ' van de periode.';
	}

	function periodText(r) {
		return r.from === r.to ? dutchDate(r.from) : dutchDate(r.from) +
		    ' t/m ' + dutchDate(r.to);
	}

	/*
	 * The queue page's report: this queue's figures as a two-column
	 * table, and a link to the same period for all queues.
	 */
	function queueReport(sec, id, learn) {
		const status = el('p', {class: 'msg', role: 'status'});
		const err = el('p', {class: 'error', role: 'alert'});
		const out = el('div', {class: 'report-out'});
		const all = el('a', {href: '/?report=1'}, 'Alle wachtrijen tonen');
		let started = false;
		const first = periodForm(sec, load);
		sec.append(status, err, out, el('p', {}, all));

		async function load(from, to) {
			all.href = '/?report=1&from=' + from + '&to=' + to;
			setText(err, '');
			setText(status, 'Rapportage wordt opgehaald…');
			let r;
			try {
				r = await api('GET', '/api/v1/report?from=' +
				    encodeURIComponent(from) + '&to=' +
				    encodeURIComponent(to));
			} catch (e) {
				setText(status, '');
				setText(err, 'De rapportage lukte niet: ' + e.message);
				return;
			}
			const row = (r.queues || []).find((x) => x.id === id);
			if (!row) {
				setText(status, '');
				setText(err, 'Deze wachtrij staat niet in de rapportage.');
				return;
			}
			if (row.norm)
				learn(row.norm.name);
			const tbody = el('tbody');
			for (const [label, text] of reportCells(row))
				tbody.append(el('tr', {}, el('th', {scope: 'row',
				    text: label}), cell('td', text)));
			tbody.append(el('tr', {}, el('th', {scope: 'row', text:
			    'Uren open'}), cell('td', count(row.open_hours))));
			const cov = coverage(row);
			out.replaceChildren(el('table', {class: 'report one'},
			    el('caption', {text: row.label + ', ' + periodText(r)}),
			    el('thead', {}, el('tr', {}, el('th', {scope: 'col',
			    text: 'Kengetal'}), el('th', {scope: 'col', text:
			    'Waarde'}))), tbody),
			    cov ? el('p', {class: 'quiet', text: cov}) : null);
			setText(status, 'Rapportage over ' + periodText(r) +
			    ' geladen.');
		}
		return {start() {
			if (!started) {
				started = true;
				first();
			}
		}};
	}

	/* All queues: a table per channel with its subtotal, then the total. */
	function reportView(root) {
		setTitle('Rapportage', 'Rapportage');
		const sec = el('section', {'aria-label': 'Periode'});
		const status = el('p', {class: 'msg', role: 'status'});
		const err = el('p', {class: 'error', role: 'alert'});
		const out = el('div', {class: 'report-out'});
		root.append(sec, status, err, out);
		let started = false;
		const first = periodForm(sec, load);

		async function load(from, to) {
			setText(err, '');
			setText(status, 'Rapportage wordt opgehaald…');
			let r;
			try {
				r = await api('GET', '/api/v1/report?from=' +
				    encodeURIComponent(from) + '&to=' +
				    encodeURIComponent(to));
			} catch (e) {
				setText(status, '');
				setText(err, 'De rapportage lukte niet: ' + e.message);
				return;
			}
			const parts = [el('p', {class: 'period', text: 'Periode: ' +
			    periodText(r) + (r.timezone ? ' (' + r.timezone +
			    ')' : '')})];
			const byChannel = new Map();
			for (const q of r.queues || []) {
				const ch = q.channel || q.id.split('/')[0];
				if (!byChannel.has(ch))
					byChannel.set(ch, []);
				byChannel.get(ch).push(q);
			}
			for (const [ch, rows] of byChannel) {
				const sub = (r.channels || []).find((c) => c.id === ch);
				parts.push(reportTable(channelName(ch), rows,
				    sub ? ['Subtotaal ' + channelName(ch), sub] : null));
			}
			if (r.total)
				parts.push(reportTable('Alle kanalen', [],
				    ['Totaal', r.total]));
			out.replaceChildren(...parts);
			setText(status, 'Rapportage over ' + periodText(r) +
			    ' geladen.');
			if (r.generated)
				setText(document.getElementById('updated'),
				    'Opgesteld om ' + clock(new Date(r.generated)));
		}

		return {load() {
			if (!started) {
				started = true;
				first();
			}
			return Promise.resolve(false);
		}, nav: 'report'};
	}

	function reportTable(caption, rows, foot) {
		const heads = ['Wachtrij'].concat(reportCells({}).map((c) => c[0]));
		const notes = new Map();	/* coverage text -> labels */
		const line = (label, row, link) => {
			const cov = coverage(row);
			if (cov)
				notes.set(cov, (notes.get(cov) || []).concat(label));
			return el('tr', {}, el('th', {scope: 'row'}, link ?
			    el('a', {href: queueHref(row.id), text: label}) : label,
			    cov ? el('span', {'aria-hidden': 'true', text: ' *'}) :
			    null),
			    ...reportCells(row).map(([, t]) => cell('td', t)));
		};
		const table = el('table', {class: 'report'},
		    el('caption', {text: caption}),
		    el('thead', {}, el('tr', {}, ...heads.map((h) => el('th',
		    {scope: 'col', text: h})))),
		    el('tbody', {}, ...rows.map((q) => line(q.label || q.id, q,
		    true))),
		    foot ? el('tfoot', {}, line(foot[0], foot[1], false)) : null);
		const id = uid('t');
		table.querySelector('caption').id = id;
		/* Wide tables scroll on their own; the keyboard must reach them. */
		return el('div', {class: 'table-wrap', role: 'region',
		    'aria-labelledby': id, tabindex: '0'}, table,
		    ...[...notes].map(([cov, labels]) => el('p', {class: 'quiet',
		    text: '* ' + cov.slice(0, -1) + ': ' + labels.join(', ') +
		    '.'})));
	}

	/* ------------------------------------------------------------ */
	/* Start */

	document.addEventListener('click', onClick);
	window.addEventListener('popstate', () => render(true));
	/* Esc leaves the wall screen, for whoever walks up with a keyboard. */
	document.addEventListener('keydown', (ev) => {
		if (ev.key === 'Escape' && isWall())
			document.getElementById('wall-exit').click();
	});
	loadStep().then(() => render(false));
}());
