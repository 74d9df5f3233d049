// dashboard.mjs: the manager dashboard in a real browser against a real
// wachtd: the overview follows new data without a reload, the queue page
// has its figures and graphs, and axe-core finds no WCAG 2.1 AA
// violation on either. Run by tests/integration/t_browser.sh.
import {
	env, WAIT, check, checkEq, pub, poll, apiQueue,
	newContext, watch, screenshot, checkAxe, part, run,
} from './lib.mjs';

const ID = 'telefoon/algemeen';
const LABEL = 'Telefoon 14 0548';
const TOPIC = `${env.prefix}/in/${ID}`;
const WAITING = `[data-queue="${ID}"] [data-field="waiting"]`;
// The dashboard polls every step, but no more often than every 2 s.
const POLL = 2 * 1000 + 2 * WAIT;

// The text and raw value (data-value) of a figure, or null.
function figure(page, sel) {
	return page.evaluate((s) => {
		const e = document.querySelector(s);
		return e ? { text: e.textContent.trim(), value: e.dataset.value } :
		    null;
	}, sel);
}

async function figureIs(page, sel, want) {
	return poll(async () => {
		const f = await figure(page, sel);
		return f && f.text === want && f.value === want ? f : null;
	}, POLL);
}

// Until the API has taken the value: the page is not to blame before.
async function published(metric, value) {
	pub(`${TOPIC}/${metric}`, value);
	return poll(async () => {
		const q = await apiQueue(ID);
		return q && q[metric] === value;
	}, WAIT);
}

async function overview(browser) {
	const ctx = await newContext(browser);
	const page = await ctx.newPage();
	const problems = watch(page);

	check('the API has waiting 3 for telefoon/algemeen',
	    await published('waiting', 3));
	await page.goto(`${env.http}/`);
	let f = await figureIs(page, WAITING, '3');
	check('dashboard: [data-queue="telefoon/algemeen"] shows waiting 3', f,
	    `shown: ${JSON.stringify(await figure(page, WAITING))}`);
	const card = page.locator(`[data-queue="${ID}"]`).first();
	check(`dashboard: the queue is shown by its label "${LABEL}"`,
	    (await card.textContent()).includes(LABEL));
	const link = await card.locator('a[href]').first().getAttribute('href')
	    .catch(() => null);
	checkEq('dashboard: the queue links to its own page',
	    `/?queue=${ID}`, link);

	// A reload would lose this mark.
	await page.evaluate(() => { window.wachtdTestMark = 1; });
	check('the API has waiting 7 for telefoon/algemeen',
	    await published('waiting', 7));
	f = await figureIs(page, WAITING, '7');
	check('dashboard: waiting 7 is shown within a few steps', f,
	    `shown: ${JSON.stringify(await figure(page, WAITING))}`);
	check('dashboard: ... without reloading the page',
	    await page.evaluate(() => window.wachtdTestMark === 1));
	check('dashboard: says when it was last updated',
	    /Bijgewerkt om \d\d:\d\d/.test(await page.textContent('#updated')));

	await screenshot(page, 'dashboard.png');
	check('dashboard: no script errors, console errors or failed requests',
	    problems.length === 0, ...problems);
	await ctx.close();
}

async function queuePage(browser) {
	const ctx = await newContext(browser);
	const page = await ctx.newPage();
	const problems = watch(page);
	const graphs = [];
	page.on('response', (r) => {
		if (new URL(r.url()).pathname.startsWith('/graph/'))
			graphs.push(`${r.status()} ${r.headers()['content-type']} ${r.url()}`);
	});

	await page.goto(`${env.http}/?queue=${ID}`);
	const h1 = await poll(async () => {
		const t = (await page.textContent('h1')).trim();
		return t === LABEL ? t : null;
	}, POLL);
	check(`queue page: the heading is the queue's label "${LABEL}"`, h1,
	    `h1: ${await page.textContent('h1')}`);
	check('queue page: shows waiting 7', await figureIs(page, WAITING, '7'),
	    `shown: ${JSON.stringify(await figure(page, WAITING))}`);
	const figs = await page.evaluate((id) => {
		const out = {};
		const q = document.querySelector(`[data-queue="${id}"]`);
		for (const dd of q ? q.querySelectorAll('dd[data-field]') : []) {
			if (!dd.closest('[hidden]'))
				out[dd.dataset.field] = { text: dd.textContent.trim(),
				    value: dd.dataset.value };
		}
		return out;
	}, ID);
	const num = (k) => figs[k] && figs[k].value !== '' &&
	    isFinite(Number(figs[k].value));
	check('queue page: shows the estimated wait (ewt)', num('ewt') &&
	    Number(figs.ewt.value) > 0, JSON.stringify(figs.ewt));
	check('queue page: shows a service level of 100% (all within 30 s)',
	    num('sl') && figs.sl.value === '100' && /%/.test(figs.sl.text),
	    JSON.stringify(figs.sl));
	checkEq('queue page: shows 120 answered in the window', '120',
	    figs.answered && figs.answered.value);
	check('queue page: 80% answered at first contact, 8 of 10',
	    figs.direct && figs.direct.value === '80' &&
	    /^80% \(8 van 10, laatste 1 d\)$/.test(figs.direct.text),
	    JSON.stringify(figs.direct));
	check('queue page: rated 4,3 of 5 on average, 75% positive, 4 ratings',
	    figs.rating && figs.rating.value === '4.3' &&
	    /^4,3 van 5 \(75% positief, 4 beoordelingen\)$/.test(figs.rating.text),
	    JSON.stringify(figs.rating));

	// Graphs load lazily: bring each into view and wait for its pixels.
	const imgs = page.locator('img[data-metric]');
	const n = await poll(async () => await imgs.count() >= 4 &&
	    await imgs.count(), POLL);
	check(`queue page: shows graphs (${n || 0} img elements)`, n);
	const bad = [];
	for (let i = 0; i < (n || 0); i++) {
		const img = imgs.nth(i);
		const m = await img.getAttribute('data-metric');
		await img.scrollIntoViewIfNeeded().catch(() => {});
		const drawn = await poll(() => img.evaluate((e) => e.complete &&
		    e.naturalWidth > 0), 4 * WAIT);
		const alt = await img.getAttribute('alt');
		if (!drawn || !alt)
			bad.push(`${m}: ${drawn ? 'drawn' : 'not drawn'}, alt ${JSON.stringify(alt)}`);
	}
	check('queue page: every graph is drawn and has an alt text',
	    n && bad.length === 0, ...bad, ...graphs);
	const metrics = await imgs.evaluateAll((es) =>
	    es.map((e) => e.dataset.metric).join(' '));
	check('queue page: graphs of first contact and ratings as well',
	    / direct rating ratings$/.test(metrics), metrics);
	check('queue page: every graph is a PNG from /graph/ (200)',
	    graphs.length > 0 && graphs.every((g) => /^200 image\/png /.test(g)),
	    ...graphs);
	await page.evaluate(() => window.scrollTo(0, 0));
	await screenshot(page, 'queue.png');
	check('queue page: no script errors, console errors or failed requests',
	    problems.length === 0, ...problems);
	await ctx.close();
}

run('dashboard', Math.min(60 + 12 * WAIT / 1000, 240), async (browser) => {
	await part('the overview', () => overview(browser));
	await part('the queue page', () => queuePage(browser));
	await checkAxe(browser, `${env.http}/`, async (page) => {
		await figureIs(page, WAITING, '7');
	}, '/ (dashboard overview)');
	await checkAxe(browser, `${env.http}/?queue=${ID}`, async (page) => {
		await figureIs(page, WAITING, '7');
		const imgs = page.locator('img[data-metric]');
		await poll(async () => await imgs.count() >= 4, POLL);
	}, `/?queue=${ID}`);
});
