// lib.mjs: what the browser tests share. tests/integration/t_browser.sh
// starts mosquitto and wachtd and runs each script with their ports in
// the environment:
//   HTTP_PORT, PUBLIC_PORT  wachtd's internal and public listeners
//   BROKER_PORT, PREFIX     where pub() publishes, and the topic prefix
//   WACHTD_PID, WACHTD_CONF the daemon to reload, and its configuration
//   WAIT                    seconds for a slow poll (5; 30 under valgrind)
//   ARTIFACTS               where screenshots go
//   CHROMIUM                the browser (default /usr/bin/chromium)
// Every check prints one line, "ok - ..." or "not ok - ..."; details go
// on lines starting with "#". A script exits 1 when a check failed.
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));

function need(name) {
	const v = process.env[name];
	if (v === undefined || v === '') {
		console.log(`not ok - ${name} is set (run tests/integration/t_browser.sh)`);
		process.exit(1);
	}
	return v;
}

export const env = {
	http: `http://127.0.0.1:${need('HTTP_PORT')}`,
	public: `http://127.0.0.1:${need('PUBLIC_PORT')}`,
	brokerPort: need('BROKER_PORT'),
	prefix: process.env.PREFIX || 'wachtd',
	wachtdPid: Number(process.env.WACHTD_PID || 0),
	conf: process.env.WACHTD_CONF || '',
	artifacts: need('ARTIFACTS'),
	chromium: process.env.CHROMIUM || '/usr/bin/chromium',
};

// A slow poll: 5 s, or 30 s when the daemon runs under valgrind.
export const WAIT = Number(process.env.WAIT || 5) * 1000;

let failed = 0;

export function ok(desc) {
	console.log(`ok - ${desc}`);
}

export function notOk(desc, ...details) {
	failed++;
	console.log(`not ok - ${desc}`);
	for (const d of details)
		for (const line of String(d).split('\n'))
			console.log(`# ${line}`);
}

export function diag(text) {
	for (const line of String(text).split('\n'))
		console.log(`# ${line}`);
}

// check(desc, cond, detail...): one line from a condition.
export function check(desc, cond, ...details) {
	if (cond)
		ok(desc);
	else
		notOk(desc, ...details);
	return !!cond;
}

export function checkEq(desc, want, got) {
	return check(desc, want === got,
	    `expected ${JSON.stringify(want)}, got ${JSON.stringify(got)}`);
}

// pub(TOPIC, PAYLOAD): one message through the real broker, as a probe
// would send it (lib.sh's pub).
export function pub(topic, payload) {
	execFileSync('mosquitto_pub', ['-p', env.brokerPort, '-q', '1',
	    '-t', topic, '-m', String(payload)], { stdio: 'inherit' });
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// poll(fn, ms): fn() again every 100 ms until it returns something
// truthy (returned) or ms have passed (null). Errors count as "not yet".
export async function poll(fn, ms) {
	const end = Date.now() + ms;
	for (;;) {
		try {
			const v = await fn();
			if (v)
				return v;
		} catch (e) {
			/* not yet */
		}
		if (Date.now() >= end)
			return null;
		await sleep(100);
	}
}

// The queue as the API has it, from Node (not the browser).
export async function apiQueue(id) {
	const res = await fetch(`${env.http}/api/v1/queues/${id}`);
	return res.ok ? res.json() : null;
}

// Headless Chromium from Debian, and no connection anywhere but here.
export async function launch() {
	return chromium.launch({
		executablePath: env.chromium,
		args: ['--headless', '--no-sandbox', '--disable-gpu',
		    '--disable-quic', '--no-first-run',
		    '--disable-background-networking',
		    '--disable-component-update', '--disable-sync'],
	});
}

// Contexts of one size, so screenshots and axe see the same page.
export function newContext(browser, opts = {}) {
	return browser.newContext({
		viewport: { width: 1280, height: 900 },
		locale: 'nl-NL',
		timezoneId: 'Europe/Amsterdam',
		...opts,
	});
}

// Collects what went wrong in a page: script errors, console errors
// (a Content-Security-Policy refusal is one), failed requests and HTTP
// errors, each with its address.
export function watch(page) {
	const problems = [];
	page.on('pageerror', (e) => problems.push(`script error: ${e.message}`));
	page.on('console', (m) => {
		if (m.type() === 'error')
			problems.push(`console error: ${m.text()} (${m.location().url})`);
	});
	page.on('requestfailed', (r) => {
		/* A fetch the page aborted itself on leaving is no problem. */
		const why = r.failure() ? r.failure().errorText : '';
		if (why !== 'net::ERR_ABORTED')
			problems.push(`request failed: ${r.url()} ${why}`);
	});
	page.on('response', (r) => {
		if (r.status() >= 400)
			problems.push(`HTTP ${r.status()}: ${r.url()}`);
	});
	return problems;
}

export async function screenshot(page, name) {
	mkdirSync(env.artifacts, { recursive: true });
	const path = join(env.artifacts, name);
	try {
		await page.screenshot({ path, fullPage: true, animations: 'disabled' });
		ok(`screenshot ${name}`);
	} catch (e) {
		notOk(`screenshot ${name}`, e.message);
	}
}

const AXE = join(here, 'node_modules', 'axe-core', 'axe.min.js');
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

// checkAxe(browser, url, ready, name): axe-core over a freshly loaded
// page once ready(page) has resolved: no WCAG 2.1 A or AA violation.
// The page's own Content-Security-Policy would refuse the injected
// script, so this context bypasses it (the pages' checks do not).
export async function checkAxe(browser, url, ready, name) {
	const desc = `axe: no WCAG 2.1 A/AA violations on ${name}`;
	const ctx = await newContext(browser, { bypassCSP: true });
	try {
		const page = await ctx.newPage();
		await page.goto(url);
		await ready(page);
		await page.addScriptTag({ path: AXE });
		const r = await page.evaluate((values) => window.axe.run(document,
		    { runOnly: { type: 'tag', values } }), TAGS);
		const lines = r.violations.map((v) =>
		    `${v.id} (${v.impact}): ${v.nodes.length} element(s), first ` +
		    `${JSON.stringify(v.nodes[0] ? v.nodes[0].target : [])}: ${v.help}`);
		check(`${desc} (${r.passes.length} rules pass)`,
		    r.violations.length === 0, ...lines);
		const incomplete = r.incomplete.map((v) => `${v.id} (${v.impact}) ` +
		    `${JSON.stringify(v.nodes[0] ? v.nodes[0].target : [])}`);
		if (incomplete.length)
			diag(`axe on ${name}: to review by hand: ${incomplete.join(', ')}`);
	} catch (e) {
		notOk(desc, e.stack || e.message);
	} finally {
		await ctx.close();
	}
}

// part(name, fn): one part of a script; should it throw, that is one
// failing check and the next part still runs.
export async function part(name, fn) {
	try {
		await fn();
	} catch (e) {
		notOk(`${name} ran to the end`, e.stack || e.message);
	}
}

// run(main): runs a script's checks with a browser and a deadline; a
// crash or the deadline is a failing check, never a silent stop.
export async function run(name, seconds, main) {
	const deadline = setTimeout(() => {
		notOk(`${name} finished within ${seconds} s`);
		process.exit(1);
	}, seconds * 1000);
	let browser = null;
	try {
		browser = await launch();
		ok(`${name}: headless Chromium ${browser.version()} started`);
		await main(browser);
	} catch (e) {
		notOk(`${name} ran to the end`, e.stack || e.message);
	} finally {
		if (browser)
			await browser.close().catch(() => {});
		clearTimeout(deadline);
	}
	process.exit(failed ? 1 : 0);
}
