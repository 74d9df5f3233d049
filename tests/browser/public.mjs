// public.mjs: the residents' page /public/ and its widget in a real
// browser against a real wachtd: the wait as a Dutch band, the same
// without JavaScript, the JSON across origins (CORS), "Gesloten" live
// after a reload of the daemon that closes the queue, and axe-core.
// Run by tests/integration/t_browser.sh, which also writes the closing
// configuration (WACHTD_CONF_CLOSED) that this script puts in place.
import { copyFileSync } from 'node:fs';
import { createServer } from 'node:http';
import {
	env, WAIT, check, checkEq, diag, poll, apiQueue, newContext, watch,
	screenshot, checkAxe, part, run,
} from './lib.mjs';

const ID = 'telefoon/algemeen';
const ITEM = `li.wachtd-channel[data-id="${ID}"]`;
const BAND = 'Wachttijd: minder dan 2 minuten';
const JSON_URL = `${env.public}/public/v1/waittimes.json`;
// The widget asks again every refresh_s of the JSON, at least every 5 s.
const REFRESH = 5 * 1000 + 2 * WAIT;

// What the page shows for one channel: its state and wait line.
function shown(page, id) {
	return page.evaluate((sel) => {
		const li = document.querySelector(sel);
		if (!li)
			return null;
		const t = li.querySelector('.wachtd-wait-text');
		return { state: li.dataset.state,
		    text: t ? t.textContent.trim() : null };
	}, `li.wachtd-channel[data-id="${id}"]`);
}

async function shows(page, id, state, test, ms) {
	return poll(async () => {
		const s = await shown(page, id);
		return s && s.state === state && test(s.text) ? s : null;
	}, ms);
}

const isBand = (t) => t === BAND;
const isClosed = (t) => /^Gesloten/.test(t || '');

// The public JSON as Node sees it.
async function waittimes() {
	const res = await fetch(JSON_URL);
	return res.ok ? res.json() : null;
}

async function noScript(browser, test, desc, file) {
	const ctx = await newContext(browser, { javaScriptEnabled: false });
	const page = await ctx.newPage();
	const res = await page.goto(`${env.public}/public/`);
	const s = await shown(page, ID);
	check(desc, res.status() === 200 && s && test(s),
	    `status ${res.status()}, shown ${JSON.stringify(s)}`);
	check(`${desc}, with no widget controls`,
	    await page.locator('.wachtd-pause').count() === 0);
	if (file)
		await screenshot(page, file);
	await ctx.close();
}

// A page of another site that embeds the widget: the widget and a fetch
// of the JSON cross origins, which only CORS lets through. The site is a
// server of this script's own on another loopback port.
async function embedded(browser) {
	const server = createServer((req, res) => {
		res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
		res.end('<!DOCTYPE html><html lang="nl"><head><meta charset="utf-8">' +
		    '<title>Contact met de gemeente</title></head><body><main>' +
		    '<h1>Contact</h1><div id="wachtd-wachttijden" ' +
		    `data-channels="${ID}"></div><script src="${env.public}/` +
		    'public/widget.js" defer></script></main></body></html>');
	});
	await new Promise((r) => server.listen(0, '127.0.0.1', r));
	const site = `http://127.0.0.1:${server.address().port}/contact.html`;
	try {
		await embedPage(browser, site);
	} finally {
		server.close();
	}
}

async function embedPage(browser, site) {
	const ctx = await newContext(browser);
	const page = await ctx.newPage();
	const problems = watch(page);
	const seen = [];
	page.on('response', (r) => {
		if (r.url().startsWith(JSON_URL))
			seen.push(r);
	});
	await page.goto(site);
	check('another site embedding widget.js shows the band for ' +
	    'telefoon/algemeen', await shows(page, ID, 'open', isBand, REFRESH),
	    `shown: ${JSON.stringify(await shown(page, ID))}`);
	check('... and only the channel its data-channels names',
	    await page.locator('li.wachtd-channel').count() === 1);

	const [res, got] = await Promise.all([
		page.waitForResponse((r) => r.url() === JSON_URL &&
		    r.request().resourceType() === 'fetch', { timeout: 2 * WAIT }),
		page.evaluate(async (url) => {
			const r = await fetch(url, { mode: 'cors', cache: 'no-store' });
			const j = await r.json();
			return { status: r.status, type: r.type,
			    ids: j.channels.map((c) => c.id) };
		}, JSON_URL),
	]);
	const h = res.headers();
	check(`fetch of /public/v1/waittimes.json from ${new URL(site).origin} ` +
	    'succeeds (CORS)', got.status === 200 && got.type === 'cors',
	    JSON.stringify(got));
	checkEq('its access-control-allow-origin is *', '*',
	    h['access-control-allow-origin']);
	check('it is JSON with Cache-Control and an ETag',
	    /^application\/json/.test(h['content-type'] || '') &&
	    h['cache-control'] && h.etag, JSON.stringify(h));
	check('it lists the public queues only (no email/info)',
	    got.ids.includes(ID) && got.ids.includes('balie/burgerzaken') &&
	    !got.ids.includes('email/info'), JSON.stringify(got.ids));
	check("the widget's own requests got access-control-allow-origin *",
	    seen.length > 0 && seen.every((r) =>
	    r.headers()['access-control-allow-origin'] === '*'),
	    ...seen.map((r) => `${r.status()} ${JSON.stringify(r.headers())}`));
	check('embedding page: no script errors, console errors or failed ' +
	    'requests', problems.length === 0, ...problems);
	await ctx.close();
}

// Closes telefoon/algemeen for today: the prepared configuration in
// place, then SIGHUP, as an administrator would.
function closeQueue() {
	copyFileSync(process.env.WACHTD_CONF_CLOSED, env.conf);
	process.kill(env.wachtdPid, 'SIGHUP');
}

run('public', Math.min(60 + 14 * WAIT / 1000, 270), async (browser) => {
	const j = await poll(async () => {
		const d = await waittimes();
		const c = d && d.channels.find((x) => x.id === ID);
		return c && c.wait_text === 'minder dan 2 minuten' ? d : null;
	}, 2 * WAIT);
	check('public JSON: telefoon/algemeen waits "minder dan 2 minuten"', j,
	    JSON.stringify(await waittimes().catch((e) => e.message)));

	// The page stays open from here to after the reload.
	const ctx = await newContext(browser);
	const page = await ctx.newPage();
	const problems = watch(page);
	const res = await page.goto(`${env.public}/public/`);
	checkEq('/public/ answers 200', 200, res.status());
	check(`public page: telefoon/algemeen shows "${BAND}"`,
	    await shows(page, ID, 'open', isBand, REFRESH),
	    `shown: ${JSON.stringify(await shown(page, ID))}`);
	check('public page: a channel without data says the wait is unknown',
	    await shows(page, 'balie/burgerzaken', 'onbekend',
	    (t) => /niet bekend/.test(t), REFRESH),
	    `shown: ${JSON.stringify(await shown(page, 'balie/burgerzaken'))}`);
	checkEq('public page: a queue without public = yes is not shown', 0,
	    await page.locator('li.wachtd-channel[data-id="email/info"]').count());
	checkEq('public page: is in Dutch (html lang)', 'nl',
	    await page.getAttribute('html', 'lang'));
	check('public page: the widget runs on it (pause button)',
	    await poll(async () => await page.locator(
	    '#wachtd-wachttijden[data-wachtd-widget] .wachtd-pause').count() === 1,
	    2 * WAIT));
	const said = [
		`In ${process.env.PERIOD} beantwoordden we 80 van de 100 vragen ` +
		    'meteen bij het eerste contact.',
		'In die maanden gaven inwoners het contact met ons gemiddeld ' +
		    'een 4,4 op een schaal van 1 tot 5.',
	];
	const part = () => page.evaluate(() => [...document.querySelectorAll(
	    '#wachtd-wachttijden .wachtd-experience p')].map((p) =>
	    p.textContent));
	checkEq('public page: last quarter in plain Dutch (public_experience)',
	    JSON.stringify(said), JSON.stringify(await poll(async () => {
		const t = await part();
		return t.length ? t : null;
	    }, 2 * WAIT)));
	// The widget redraws the container from the JSON at each fetch.
	const fetched = await page.waitForResponse((r) =>
	    r.url() === JSON_URL, { timeout: REFRESH }).catch(() => null);
	check('public page: the widget fetched the JSON again', fetched);
	checkEq('public page: ... and says the same after redrawing it',
	    JSON.stringify(said), JSON.stringify(await poll(async () => {
		const t = await part();
		return JSON.stringify(t) === JSON.stringify(said) ? t : null;
	    }, WAIT) || await part()));
	await screenshot(page, 'public.png');

	await noScript(browser, (s) => s.state === 'open' && isBand(s.text),
	    `without JavaScript: /public/ shows "${BAND}"`);
	await part('the embedding page', () => embedded(browser));
	await checkAxe(browser, `${env.public}/public/`, async (p) => {
		await shows(p, ID, 'open', isBand, REFRESH);
	}, '/public/');

	// Closed for the day: the open page follows by itself.
	await page.evaluate(() => { window.wachtdTestMark = 1; });
	closeQueue();
	const q = await poll(async () => {
		const x = await apiQueue(ID);
		return x && x.open === false ? x : null;
	}, 4 * WAIT);
	check('after the reload (SIGHUP) the API has telefoon/algemeen closed',
	    q, JSON.stringify(await apiQueue(ID).catch((e) => e.message)));
	const s = await shows(page, ID, 'gesloten', isClosed, REFRESH + WAIT);
	check('public page: the open page turns to "Gesloten" by itself', s,
	    `shown: ${JSON.stringify(await shown(page, ID))}`);
	if (s)
		diag(`it says: ${s.text}`);
	check('public page: ... without reloading the page',
	    await page.evaluate(() => window.wachtdTestMark === 1));
	check('public page: the other channel stays as it was',
	    await shows(page, 'balie/burgerzaken', 'onbekend', () => true, 0));
	await screenshot(page, 'public-gesloten.png');
	check('public page: no script errors, console errors or failed ' +
	    'requests', problems.length === 0, ...problems);
	await ctx.close();

	await noScript(browser, (x) => x.state === 'gesloten' && isClosed(x.text),
	    'without JavaScript: a fresh /public/ shows "Gesloten"',
	    'public-gesloten-nojs.png');
	await checkAxe(browser, `${env.public}/public/`, async (p) => {
		await shows(p, ID, 'gesloten', isClosed, REFRESH);
	}, '/public/ (closed)');
});
