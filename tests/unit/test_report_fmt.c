/*
 * test_report_fmt.c: the period report of `wachtctl report` (report_fmt.h)
 * from one fixture report, in every format. One table row per thing a
 * reader of the report relies on; each row is its own named test. A row
 * lists pieces of output that must appear in that order (optionally all
 * on the line that starts with a given label), and pieces that must not
 * appear at all. Expected figures are written out by hand.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "report_fmt.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))
#define WANT_MAX	12
#define DASH		"\xe2\x80\x94"		/* the em dash of "no value" */
#define GE		"\xe2\x89\xa5"		/* "at least" */

/*
 * Three channels with their subtotals, plus a chat queue whose channel
 * has no subtotal row. Labels carry what formats must escape: a comma and
 * quotes (CSV), <&> (HTML), a terminal escape (text). First contact and
 * ratings: balie has ratings on 1-5 against an average norm, chat first
 * contact only, email null for both, telefoon/algemeen both, its ratings
 * on 0-10 against a share-positive norm, telefoon/vergunningen neither
 * member (a daemon from before them); the total mixes both scales.
 */
static const char fixture[] =
"{\n"
" \"from\": \"2026-07-01\", \"to\": \"2026-09-30\",\n"
" \"start\": \"2026-07-01T00:00:00+02:00\",\n"
" \"end\": \"2026-10-01T00:00:00+02:00\",\n"
" \"timezone\": \"Europe/Amsterdam\",\n"
" \"generated\": \"2026-11-29T15:20:00+01:00\",\n"
" \"queues\": [\n"
"  {\"id\": \"balie/burgerzaken\", \"channel\": \"balie\",\n"
"   \"label\": \"Balie <Burgerzaken> & Paspoort\",\n"
"   \"norm\": {\"name\": \"balie\", \"kind\": \"max_wait\", \"limit\": 600,\n"
"    \"target\": 90},\n"
"   \"resolution\": 3600, \"covered\": 100, \"open_hours\": 500,\n"
"   \"contacts\": 12345, \"answered\": 12000, \"abandoned\": 300,\n"
"   \"within\": 10500, \"within_pct\": 87.5, \"met\": false,\n"
"   \"wait_avg\": 245, \"wait_max\": 7800, \"abandon_pct\": 2.4,\n"
"   \"resolved\": null,\n"
"   \"ratings\": {\"count\": 50, \"scores\": {\"5\": [3, 5, 10, 20, 12]},\n"
"    \"average\": 3.66, \"scale\": 5, \"positive_pct\": 64,\n"
"    \"positive_from\": 4, \"positive_scale\": 5, \"target\": 3.8,\n"
"    \"met\": false}},\n"
"  {\"id\": \"chat/website\", \"channel\": \"chat\",\n"
"   \"label\": \"Chat\\u001b[2J website\", \"norm\": null,\n"
"   \"resolution\": 300, \"covered\": 100, \"open_hours\": 10,\n"
"   \"contacts\": 5, \"answered\": 5, \"abandoned\": 0, \"within\": 5,\n"
"   \"within_pct\": null, \"met\": null, \"wait_avg\": 3, \"wait_max\": 9,\n"
"   \"abandon_pct\": 0,\n"
"   \"resolved\": {\"direct\": 1200, \"indirect\": 300, \"direct_pct\": 80,\n"
"    \"target\": null, \"met\": null}, \"ratings\": null},\n"
"  {\"id\": \"email/info\", \"channel\": \"email\", \"label\": \"E-mail info@\",\n"
"   \"norm\": {\"name\": \"email\", \"kind\": \"respond_within\",\n"
"    \"limit\": 57600, \"workdays\": 2, \"target\": null},\n"
"   \"resolution\": 3600, \"covered\": 99.96, \"open_hours\": 800,\n"
"   \"contacts\": 300, \"answered\": 290, \"abandoned\": 0, \"within\": 280,\n"
"   \"within_pct\": 96.6, \"met\": null, \"wait_avg\": 90000,\n"
"   \"wait_max\": 200000, \"abandon_pct\": 0, \"resolved\": null,\n"
"   \"ratings\": null},\n"
"  {\"id\": \"telefoon/algemeen\", \"channel\": \"telefoon\",\n"
"   \"label\": \"Telefoon 14 0548\",\n"
"   \"norm\": {\"name\": \"telefoon\", \"kind\": \"answer_within\",\n"
"    \"limit\": 30, \"target\": 80},\n"
"   \"resolution\": 3600, \"covered\": 98.7, \"open_hours\": 1234.5,\n"
"   \"contacts\": 812, \"answered\": 790, \"abandoned\": 22, \"within\": 650,\n"
"   \"within_pct\": 82.3, \"met\": true, \"wait_avg\": 21.4,\n"
"   \"wait_max\": 605, \"abandon_pct\": 2.7,\n"
"   \"resolved\": {\"direct\": 314, \"indirect\": 86, \"direct_pct\": 78.5,\n"
"    \"target\": 80, \"met\": false},\n"
"   \"ratings\": {\"count\": 40,\n"
"    \"scores\": {\"10\": [0, 1, 0, 2, 1, 3, 3, 8, 10, 7, 5]},\n"
"    \"average\": 7.33, \"scale\": 10, \"positive_pct\": 55,\n"
"    \"positive_from\": 4, \"positive_scale\": 5, \"target\": 50,\n"
"    \"met\": true}},\n"
"  {\"id\": \"telefoon/vergunningen\", \"channel\": \"telefoon\",\n"
"   \"label\": \"Vergunningen, \\\"bouw\\\"\",\n"
"   \"norm\": {\"name\": \"telefoon\", \"kind\": \"answer_within\",\n"
"    \"limit\": 30, \"target\": 80},\n"
"   \"resolution\": 3600, \"covered\": 100, \"open_hours\": 100,\n"
"   \"contacts\": 0, \"answered\": 0, \"abandoned\": 0, \"within\": 0,\n"
"   \"within_pct\": null, \"met\": null, \"wait_avg\": null,\n"
"   \"wait_max\": null, \"abandon_pct\": null}\n"
" ],\n"
" \"channels\": [\n"
"  {\"id\": \"balie\", \"channel\": \"balie\", \"label\": \"balie\",\n"
"   \"norm\": null, \"resolution\": null, \"covered\": 100,\n"
"   \"open_hours\": 500, \"contacts\": 12345, \"answered\": 12000,\n"
"   \"abandoned\": 300, \"within\": 10500, \"within_pct\": 87.5,\n"
"   \"met\": null, \"wait_avg\": 245, \"wait_max\": 7800,\n"
"   \"abandon_pct\": 2.4, \"resolved\": null,\n"
"   \"ratings\": {\"count\": 50, \"scores\": {\"5\": [3, 5, 10, 20, 12]},\n"
"    \"average\": 3.66, \"scale\": 5, \"positive_pct\": 64,\n"
"    \"positive_from\": 4, \"positive_scale\": 5}},\n"
"  {\"id\": \"email\", \"channel\": \"email\", \"label\": \"email\",\n"
"   \"norm\": null, \"resolution\": null, \"covered\": 99.96,\n"
"   \"open_hours\": 800, \"contacts\": 300, \"answered\": 290,\n"
"   \"abandoned\": 0, \"within\": 280, \"within_pct\": 96.6, \"met\": null,\n"
"   \"wait_avg\": 90000, \"wait_max\": 200000, \"abandon_pct\": 0,\n"
"   \"resolved\": null, \"ratings\": null},\n"
"  {\"id\": \"telefoon\", \"channel\": \"telefoon\", \"label\": \"telefoon\",\n"
"   \"norm\": null, \"resolution\": null, \"covered\": 99.2,\n"
"   \"open_hours\": 1334.5, \"contacts\": 812, \"answered\": 790,\n"
"   \"abandoned\": 22, \"within\": 650, \"within_pct\": 82.3, \"met\": null,\n"
"   \"wait_avg\": 21.4, \"wait_max\": 605, \"abandon_pct\": 2.7,\n"
"   \"resolved\": {\"direct\": 314, \"indirect\": 86, \"direct_pct\": 78.5,\n"
"    \"target\": null, \"met\": null},\n"
"   \"ratings\": {\"count\": 40,\n"
"    \"scores\": {\"10\": [0, 1, 0, 2, 1, 3, 3, 8, 10, 7, 5]},\n"
"    \"average\": 7.33, \"scale\": 10, \"positive_pct\": 55,\n"
"    \"positive_from\": 4, \"positive_scale\": 5}}\n"
" ],\n"
" \"total\": {\"id\": \"totaal\", \"channel\": null, \"label\": null,\n"
"   \"norm\": null, \"resolution\": null, \"covered\": null,\n"
"   \"open_hours\": 2644.5, \"contacts\": 13462, \"answered\": 13085,\n"
"   \"abandoned\": 322, \"within\": 11435, \"within_pct\": 87.4,\n"
"   \"met\": null, \"wait_avg\": 229.1, \"wait_max\": 200000,\n"
"   \"abandon_pct\": 2.4,\n"
"   \"resolved\": {\"direct\": 1514, \"indirect\": 386, \"direct_pct\": 79.7,\n"
"    \"target\": null, \"met\": null},\n"
"   \"ratings\": {\"count\": 90, \"scores\": {\"5\": [3, 5, 10, 20, 12],\n"
"    \"10\": [0, 1, 0, 2, 1, 3, 3, 8, 10, 7, 5]}, \"average\": 3.78,\n"
"    \"scale\": 5, \"positive_pct\": 60, \"positive_from\": 4,\n"
"    \"positive_scale\": 5}}\n"
"}\n";

/*
 * The second table of the fixture, whole: the columns line up, rules part
 * the channels and a subtotal from its queues, and every row is there.
 */
#define QRULE \
	"------------------------------  -----------  ------  ----  " \
	"-------  -------------  -----------  -----------------  " \
	"-------------  -------  " \
	"----------------------------------------------------\n"

static const char quality_table[] =
	    "Eerste contact en waardering\n"
	    "                                Eerste contact"
	    "                      Waardering\n"
	    "Wachtrij                        Afgehandeld  Direct  Norm  "
	    "Gehaald  Beoordelingen    Gemiddeld           Positief  "
	    "Norm           Gehaald  Verdeling\n"
	    QRULE
	    "Balie <Burgerzaken> & Paspoort            " DASH "       " DASH
	    "  " DASH "     " DASH "                   50   3,66 van 5        "
	    "64,0% (" GE " 4)  gemiddeld 3,8  nee      1:3 2:5 3:10 4:20 "
	    "5:12\n"
	    QRULE
	    "Totaal balie                              " DASH "       " DASH
	    "  " DASH "     " DASH "                   50   3,66 van 5        "
	    "64,0% (" GE " 4)  " DASH "              " DASH "        1:3 2:5 "
	    "3:10 4:20 5:12\n"
	    QRULE
	    "Chat [2J website                      1.500   80,0%  " DASH
	    "     " DASH "                    " DASH "            " DASH
	    "                  " DASH "  " DASH "              " DASH
	    "        " DASH "\n"
	    QRULE
	    "E-mail info@ *                            " DASH "       " DASH
	    "  " DASH "     " DASH "                    " DASH "            "
	    DASH "                  " DASH "  " DASH "              " DASH
	    "        " DASH "\n"
	    QRULE
	    "Totaal email *                            " DASH "       " DASH
	    "  " DASH "     " DASH "                    " DASH "            "
	    DASH "                  " DASH "  " DASH "              " DASH
	    "        " DASH "\n"
	    QRULE
	    "Telefoon 14 0548 *                      400   78,5%  80%   "
	    "nee                 40  7,33 van 10  55,0% (" GE " 4 van 5)  50% "
	    "positief   ja       0-10: 0 1 0 2 1 3 3 8 10 7 5\n"
	    "Vergunningen, \"bouw\"                      " DASH "       " DASH
	    "  " DASH "     " DASH "                    " DASH "            "
	    DASH "                  " DASH "  " DASH "              " DASH
	    "        " DASH "\n"
	    QRULE
	    "Totaal telefoon *                       400   78,5%  " DASH
	    "     " DASH "                   40  7,33 van 10  55,0% (" GE
	    " 4 van 5)  " DASH "              " DASH "        0-10: 0 1 0 2 1 "
	    "3 3 8 10 7 5\n"
	    QRULE
	    "Totaal                                1.900   79,7%  " DASH
	    "     " DASH "                   90   3,78 van 5        60,0% (" GE
	    " 4)  " DASH "              " DASH "        1:3 2:5 3:10 4:20 "
	    "5:12; 0-10: 0 1 0 2 1 3 3 8 10 7 5\n";

/* What rrdtool draws, cut short: a prolog, a DOCTYPE and cairo's ids. */
static const char fixture_svg[] =
"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
"<!DOCTYPE svg PUBLIC \"-//W3C//DTD SVG 1.1//EN\" "
"\"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd\">\n"
"<svg xmlns=\"http://www.w3.org/2000/svg\" "
"xmlns:xlink=\"http://www.w3.org/1999/xlink\" width=\"700pt\" "
"height=\"200pt\" viewBox=\"0 0 700 200\" version=\"1.1\">\n"
"<defs><g><symbol overflow=\"visible\" id=\"glyph0-1\">"
"<path d=\"M 0 0 L 1 1 Z\"/></symbol></g>"
"<clipPath id=\"clip1\"><path d=\"M 0 0 L 700 200 Z\"/></clipPath></defs>\n"
"<g clip-path=\"url(#clip1)\"><use xlink:href=\"#glyph0-1\" x=\"5\" "
"y=\"9\"/></g>\n"
"</svg>\n";

/* What the fake daemon answers for each graph, by the path asked. */
enum answer {
	ANSWER_SVG,		/* fixture_svg */
	ANSWER_FAIL,		/* 404, 500 or unreachable: fetch says -1 */
	ANSWER_SCRIPT,		/* an SVG that would run script */
	ANSWER_JUNK		/* 200, but no SVG in it */
};

struct fake {
	enum answer	 sl;		/* telefoon/algemeen/sl.svg */
	char		 asked[2048];	/* every path, one per line */
};

/* The HTML formatter's fetch callback, without a network. */
static int
fake_fetch(const char *path, char **body, size_t *len, void *arg)
{
	struct fake	*f = arg;
	const char	*answer;
	enum answer	 a = ANSWER_FAIL;

	strncat(f->asked, path, sizeof(f->asked) - strlen(f->asked) - 2);
	strcat(f->asked, "\n");
	if (strncmp(path, "/graph/telefoon/algemeen/sl.svg?", 32) == 0)
		a = f->sl;
	switch (a) {
	case ANSWER_SVG:
		answer = fixture_svg;
		break;
	case ANSWER_SCRIPT:
		answer = "<svg xmlns=\"http://www.w3.org/2000/svg\">"
		    "<script>alert(1)</script></svg>";
		break;
	case ANSWER_JUNK:
		answer = "<html><body>proxy error</body></html>";
		break;
	default:
		return -1;
	}
	*len = strlen(answer);
	*body = malloc(*len);
	assert_non_null(*body);
	memcpy(*body, answer, *len);	/* not NUL-terminated, like curl's */
	return 0;
}

/* ------------------------------------------------------------------ */
/* The formats */

enum edit {
	AS_IS,
	NO_START_END,		/* "start"/"end" left out: no graph period */
	NO_QUALITY,		/* no row has "resolved" or "ratings" */
	NULL_QUALITY,		/* every row has them, all null */
};

struct fcase {
	const char	*what;
	enum report_fmt_format format;
	enum edit	 edit;
	enum answer	 sl;
	const char	*line;		/* look only on the line starting so */
	const char	*want[WANT_MAX]; /* in this order */
	const char	*never[4];
};

#define TEXT	REPORT_FMT_TEXT
#define CSV	REPORT_FMT_CSV
#define JSON	REPORT_FMT_JSON
#define HTML	REPORT_FMT_HTML
#define CSV_HEAD "from,to,level,id,channel,label,norm,norm_kind,norm_limit," \
	"norm_workdays,norm_target,resolution,covered,open_hours,contacts," \
	"answered,abandoned,within,within_pct,met,wait_avg,wait_max," \
	"abandon_pct,direct,indirect,direct_pct,direct_target,direct_met," \
	"ratings,rating_average,rating_scale,positive_pct,rated5_1,rated5_2," \
	"rated5_3,rated5_4,rated5_5,rated10_0,rated10_1,rated10_2,rated10_3," \
	"rated10_4,rated10_5,rated10_6,rated10_7,rated10_8,rated10_9," \
	"rated10_10,rating_target,rating_target_kind,rating_met," \
	"positive_from,positive_scale\r\n"
/* The 30 first-contact and rating columns of a row without either. */
#define CSV_NO_QUALITY	",,,,,,,,,,,,,,,,,,,,,,,,,,,,,,"
/* Where the second table and its HTML section start. */
#define QUALITY		"\nEerste contact en waardering\n"
#define QUALITY_HTML	"<section class=\"kwaliteit\""

static struct fcase fcases[] = {
	/* Text: what a manager reads in a terminal or an e-mail. */
	{ "text heading names the period and the time zone", TEXT, AS_IS,
	    ANSWER_SVG, NULL, {
	    "Verantwoording wachttijden 1 juli 2026 t/m 30 september 2026\n"
	    "Tijdzone Europe/Amsterdam, gemaakt op 29 november 2026 om 15:20\n"
	    }, { NULL } },
	{ "text has a section per channel, queues before their subtotal, "
	    "the total last", TEXT, AS_IS, ANSWER_SVG, NULL, {
	    "\nBalie\nWachtrij ", "\nBalie <Burgerzaken> & Paspoort ",
	    "\nTotaal balie ", "\nChat\nWachtrij ", "\nChat [2J website ",
	    "\nEmail\nWachtrij ", "\nE-mail info@ * ", "\nTotaal email * ",
	    "\nTelefoon\nWachtrij ", "\nTelefoon 14 0548 * ",
	    "\nVergunningen, \"bouw\" ", "\nTotaal telefoon * " },
	    { "Totaal chat" } },
	{ "text column headings are Dutch and in order", TEXT, AS_IS,
	    ANSWER_SVG, "Wachtrij", { "Wachtrij", "Contacten", "Beantwoord",
	    "Binnen norm", "Norm", "Gehaald", "Gem. wacht", "Max. wacht",
	    "Afgehaakt\n" }, { NULL } },
	{ "text percentages have one decimal and a comma", TEXT, AS_IS,
	    ANSWER_SVG, "Telefoon 14 0548", { "82,3%", "(2,7%)" },
	    { "82.3", "2.7" } },
	{ "text counts have Dutch thousands dots", TEXT, AS_IS, ANSWER_SVG,
	    "Balie <Burgerzaken>", { " 12.345 ", " 12.000 ", "300 (2,4%)" },
	    { "12345" } },
	{ "text durations: seconds, minutes and seconds", TEXT, AS_IS,
	    ANSWER_SVG, "Telefoon 14 0548", { " 21 s ", " 10 min 05 s " },
	    { NULL } },
	{ "text durations: minutes and seconds, hours and minutes", TEXT,
	    AS_IS, ANSWER_SVG, "Balie <Burgerzaken>", { " 4 min 05 s ",
	    " 2 u 10 min " }, { NULL } },
	{ "text durations past a day stay in hours", TEXT, AS_IS, ANSWER_SVG,
	    "E-mail info@", { " 25 u 00 min ", " 55 u 33 min " }, { NULL } },
	{ "text norms in words", TEXT, AS_IS, ANSWER_SVG, NULL, {
	    "max. 10 min", "binnen 2 werkdagen", "80% binnen 30 s" },
	    { NULL } },
	{ "text met and not met are ja and nee", TEXT, AS_IS, ANSWER_SVG,
	    "Telefoon 14 0548", { "80% binnen 30 s", " ja " }, { "nee" } },
	{ "text not met is nee", TEXT, AS_IS, ANSWER_SVG,
	    "Balie <Burgerzaken>", { "90% max. 10 min", " nee " },
	    { " ja " } },
	{ "text unknown figures are an em dash", TEXT, AS_IS, ANSWER_SVG,
	    "Vergunningen", { "  0  ", "  0  ", DASH, "80% binnen 30 s",
	    DASH, DASH, DASH, "  0\n" }, { "0,0%", " 0 s", "(" } },
	{ "text coverage under 100% gets a footnote, never rounded up",
	    TEXT, AS_IS, ANSWER_SVG, NULL, {
	    "\n* E-mail info@: gemeten gedurende 99,9% van de periode.\n",
	    "* Totaal email: gemeten gedurende 99,9% van de periode.\n",
	    "* Telefoon 14 0548: gemeten gedurende 98,7% van de periode.\n",
	    "* Totaal telefoon: gemeten gedurende 99,2% van de periode.\n" },
	    { "100,0%", "* Totaal:", "* Balie" } },
	{ "text keeps a terminal escape in a label out", TEXT, AS_IS,
	    ANSWER_SVG, NULL, { "Chat [2J website" }, { "\x1b" } },

	/* CSV: for spreadsheets and scripts. */
	{ "csv header row", CSV, AS_IS, ANSWER_SVG, NULL, { CSV_HEAD },
	    { NULL } },
	{ "csv quotes a label with a comma and quotes", CSV, AS_IS,
	    ANSWER_SVG, NULL, { "\r\n2026-07-01,2026-09-30,queue,"
	    "telefoon/vergunningen,telefoon,\"Vergunningen, \"\"bouw\"\"\","
	    "telefoon,answer_within,30,,80,3600,100,100,0,0,0,0,,,,,"
	    CSV_NO_QUALITY "\r\n" },
	    { NULL } },
	{ "csv figures are machine figures", CSV, AS_IS, ANSWER_SVG, NULL, {
	    "\r\n2026-07-01,2026-09-30,queue,telefoon/algemeen,telefoon,"
	    "Telefoon 14 0548,telefoon,answer_within,30,,80,3600,98.7,1234.5,"
	    "812,790,22,650,82.3,true,21.4,605,2.7,314,86,78.5,80,false,40,"
	    "7.33,10,55,0,0,0,0,0,0,1,0,2,1,3,3,8,10,7,5,50,,true,4,5\r\n" },
	    { "82,3", "7,33" } },
	{ "csv leaves HTML characters and workdays alone", CSV, AS_IS,
	    ANSWER_SVG, NULL, { "\r\n2026-07-01,2026-09-30,queue,"
	    "balie/burgerzaken,balie,Balie <Burgerzaken> & Paspoort,balie,"
	    "max_wait,600,,90,3600,100,500,12345,12000,300,10500,87.5,false,"
	    "245,7800,2.4,,,,,,50,3.66,5,64,3,5,10,20,12,0,0,0,0,0,0,0,0,0,0,0"
	    ",3.8,,false,4,5\r\n", "\r\n2026-07-01,2026-09-30,queue,email/info,"
	    "email,E-mail info@,email,respond_within,57600,2,,3600,99.96,800,"
	    "300,290,0,280,96.6,,90000,200000,0" CSV_NO_QUALITY "\r\n" },
	    { "&amp;" } },
	{ "csv rows: queues, then their channel, the total last", CSV, AS_IS,
	    ANSWER_SVG, NULL, { ",queue,balie/burgerzaken,",
	    "\r\n2026-07-01,2026-09-30,channel,balie,balie,balie,,,,,,,100,500,"
	    "12345,12000,300,10500,87.5,,245,7800,2.4,,,,,,50,3.66,5,64,3,5,10,"
	    "20,12,0,0,0,0,0,0,0,0,0,0,0,,,,4,5\r\n",
	    ",queue,chat/website,chat,", ",queue,email/info,",
	    ",channel,email,", ",queue,telefoon/algemeen,",
	    ",queue,telefoon/vergunningen,", ",channel,telefoon,",
	    "\r\n2026-07-01,2026-09-30,total,totaal,,,,,,,,,,2644.5,13462,"
	    "13085,322,11435,87.4,,229.1,200000,2.4,1514,386,79.7,,,90,3.78,5,"
	    "60,3,5,10,20,12,0,1,0,2,1,3,3,8,10,7,5,,,,4,5\r\n" },
	    { ",channel,chat," } },

	/* JSON: the daemon's own, readable. */
	{ "json passes the report through, pretty-printed", JSON, AS_IS,
	    ANSWER_SVG, NULL, { "{\n  \"from\": \"2026-07-01\",\n",
	    "\"queues\": [\n", "\"within_pct\": 82.3,", "\"met\": true,",
	    "\"total\": {" }, { "82.29999" } },

	/* HTML: printable, accessible, self-contained. */
	{ "html is a Dutch HTML5 document", HTML, AS_IS, ANSWER_SVG, NULL, {
	    "<!DOCTYPE html>\n<html lang=\"nl\">\n", "<meta charset=\"utf-8\">",
	    "<title>Verantwoording wachttijden 1 juli 2026 t/m 30 september "
	    "2026</title>", "</html>\n" }, { NULL } },
	{ "html needs nothing from outside", HTML, AS_IS, ANSWER_SVG, NULL,
	    { "<style>" }, { "<link", "<script", " src=", "@import" } },
	{ "html escapes <&> in a label", HTML, AS_IS, ANSWER_SVG, NULL, {
	    "<th scope=\"row\">Balie &lt;Burgerzaken&gt; &amp; Paspoort</th>" },
	    { "<Burgerzaken>" } },
	{ "html has a captioned table per channel with scoped headers", HTML,
	    AS_IS, ANSWER_SVG, NULL, { "<section class=\"kanaal\"",
	    "<h2 id=\"kanaal-0\">Balie</h2>", "<table>\n<caption>Balie: ",
	    "<th scope=\"col\">Wachtrij</th>", "<th scope=\"col\">Afgehaakt</th>",
	    "<tfoot>\n<tr><th scope=\"row\">Totaal balie</th>",
	    "<caption>Alle kanalen samen, 1 juli 2026 t/m 30 september 2026"
	    "</caption>" }, { NULL } },
	{ "html keeps a control character in a label out", HTML, AS_IS,
	    ANSWER_SVG, NULL, { "<th scope=\"row\">Chat [2J website</th>" },
	    { "\x1b" } },
	{ "html says met and not met in words", HTML, AS_IS, ANSWER_SVG, NULL,
	    { "<td class=\"tekst nee\">Niet gehaald</td>",
	    "<td class=\"tekst ja\">Gehaald</td>" }, { NULL } },
	{ "html figures as in the text table", HTML, AS_IS, ANSWER_SVG, NULL, {
	    "<th scope=\"row\">Telefoon 14 0548 *</th><td>812</td><td>790</td>"
	    "<td>82,3%</td><td class=\"tekst\">80% binnen 30 s</td>",
	    "<td>21 s</td><td>10 min 05 s</td><td>22 (2,7%)</td></tr>",
	    "<p class=\"noot\">* Telefoon 14 0548: gemeten gedurende 98,7% "
	    "van de periode.</p>" }, { NULL } },
	{ "html reads an em dash out as no data", HTML, AS_IS, ANSWER_SVG,
	    NULL, { "<span aria-hidden=\"true\">" DASH "</span><span "
	    "class=\"sr\">geen gegevens</span>" }, { NULL } },
	{ "html prints a channel per page", HTML, AS_IS, ANSWER_SVG, NULL, {
	    "@media print", "section.kanaal { break-before: page; }" },
	    { NULL } },
	{ "html embeds a graph inline, without prolog or DOCTYPE", HTML,
	    AS_IS, ANSWER_SVG, NULL, { "<h3>Telefoon 14 0548</h3>\n<figure>\n"
	    "<svg role=\"img\" aria-labelledby=\"cap", "\" focusable=\"false\" "
	    "xmlns=\"http://www.w3.org/2000/svg\"", "</svg>\n<figcaption id=\"cap",
	    "\">Servicelevel (% binnen de norm beantwoord) " DASH
	    " Telefoon 14 0548, 1 juli 2026 t/m 30 september 2026</figcaption>"
	    "\n</figure>\n" }, { "<?xml", "<!DOCTYPE svg", "svg11.dtd" } },
	{ "html gives each graph's ids a prefix of their own", HTML, AS_IS,
	    ANSWER_SVG, NULL, { "id=\"g6-glyph0-1\"", "id=\"g6-clip1\"",
	    "clip-path=\"url(#g6-clip1)\"", "xlink:href=\"#g6-glyph0-1\"" },
	    { "id=\"glyph0-1\"", "\"#glyph0-1\"" } },
	{ "html notes a graph that could not be fetched", HTML, AS_IS,
	    ANSWER_SVG, NULL, { "<h3>Telefoon 14 0548</h3>", "</figure>\n"
	    "<p class=\"geen-grafiek\">Grafiek \xe2\x80\x9eWachtenden\xe2\x80\x9d "
	    "is niet beschikbaar.</p>\n" }, { NULL } },
	{ "html refuses an SVG with script, with a note", HTML, AS_IS,
	    ANSWER_SCRIPT, NULL, { "<h3>Telefoon 14 0548</h3>\n"
	    "<p class=\"geen-grafiek\">Grafiek \xe2\x80\x9eServicelevel" },
	    { "<script", "alert(" } },
	{ "html notes an answer that is no SVG", HTML, AS_IS, ANSWER_JUNK,
	    NULL, { "<h3>Telefoon 14 0548</h3>\n"
	    "<p class=\"geen-grafiek\">Grafiek \xe2\x80\x9eServicelevel" },
	    { "proxy error", "<figure>" } },

	/* First contact and ratings: where the second table goes, and that
	 * it is left out when no row has either. */
	{ "text second table comes after the wait tables, before the "
	    "footnotes", TEXT, AS_IS, ANSWER_SVG, NULL, { "\nAlle kanalen\n",
	    "\nTotaal   ", "\n" QUALITY, "\nTotaal   ",
	    "\n\n* E-mail info@: " }, { NULL } },
	{ "text no second table when no row has resolved or ratings", TEXT,
	    NO_QUALITY, ANSWER_SVG, NULL, { "\nAlle kanalen\n",
	    "\n\n* E-mail info@: " }, { "Eerste contact", "Afgehandeld",
	    "Verdeling", GE } },
	{ "text no second table when resolved and ratings are all null",
	    TEXT, NULL_QUALITY, ANSWER_SVG, NULL, { "\nAlle kanalen\n",
	    "\n\n* E-mail info@: " }, { "Eerste contact", "Afgehandeld",
	    "Verdeling", GE } },
	{ "csv first contact without ratings: empty rating columns", CSV,
	    AS_IS, ANSWER_SVG, NULL, { "\r\n2026-07-01,2026-09-30,queue,"
	    "chat/website,chat,Chat\x1b[2J website,,,,,,300,100,10,5,5,0,5,,,"
	    "3,9,0,1200,300,80,,,,,,,,,,,,,,,,,,,,,,,,,,,\r\n" }, { NULL } },
	{ "csv keeps its columns, empty, when no row has resolved or ratings",
	    CSV, NO_QUALITY, ANSWER_SVG, NULL, { CSV_HEAD, "\r\n2026-07-01,"
	    "2026-09-30,queue,telefoon/algemeen,telefoon,Telefoon 14 0548,"
	    "telefoon,answer_within,30,,80,3600,98.7,1234.5,812,790,22,650,"
	    "82.3,true,21.4,605,2.7" CSV_NO_QUALITY "\r\n", "\r\n2026-07-01,"
	    "2026-09-30,total,totaal,,,,,,,,,,2644.5,13462,13085,322,11435,"
	    "87.4,,229.1,200000,2.4" CSV_NO_QUALITY "\r\n" }, { NULL } },
	{ "csv null resolved and ratings are empty columns", CSV,
	    NULL_QUALITY, ANSWER_SVG, NULL, { CSV_HEAD, "\r\n2026-07-01,"
	    "2026-09-30,channel,balie,balie,balie,,,,,,,100,500,12345,12000,"
	    "300,10500,87.5,,245,7800,2.4" CSV_NO_QUALITY "\r\n" }, { NULL } },
	{ "json passes first contact and ratings through", JSON, AS_IS,
	    ANSWER_SVG, NULL, { "\"resolved\": {", "\"direct_pct\": 78.5,",
	    "\"ratings\": {", "\"average\": 7.33,", "\"10\": [" },
	    { "7.3299" } },
	{ "html second table after the channels, before the glossary", HTML,
	    AS_IS, ANSWER_SVG, NULL, { "<h2 id=\"kanaal-4\">Alle kanalen</h2>",
	    "</section>\n" QUALITY_HTML, "</section>\n<section "
	    "class=\"toelichting\"" }, { NULL } },
	{ "html prints the second table on a page of its own", HTML, AS_IS,
	    ANSWER_SVG, NULL, { "@media print",
	    "section.kwaliteit { break-before: page; }" }, { NULL } },
	{ "html no second table when no row has resolved or ratings", HTML,
	    NO_QUALITY, ANSWER_SVG, NULL, { "<h2 id=\"kanaal-4\">Alle "
	    "kanalen</h2>", "</html>\n" }, { "<section class=\"kwaliteit\"",
	    "Eerste contact", "Afgehandeld", "<colgroup" } },
	{ "html no second table when resolved and ratings are all null",
	    HTML, NULL_QUALITY, ANSWER_SVG, NULL, { "</html>\n" },
	    { "<section class=\"kwaliteit\"", "Eerste contact",
	    "Afgehandeld", "<colgroup" } },
};

/* The second table: looked for from its title (text) or section (HTML). */
static struct fcase qcases[] = {
	{ "text second table: two groups over Dutch headings", TEXT, AS_IS,
	    ANSWER_SVG, "Wachtrij", { "Wachtrij", "Afgehandeld", "Direct",
	    "Norm", "Gehaald", "Beoordelingen", "Gemiddeld", "Positief", "Norm",
	    "Gehaald", "Verdeling\n" }, { NULL } },
	{ "text second table: a queue with both, on 0-10, a share norm met",
	    TEXT, AS_IS, ANSWER_SVG, "Telefoon 14 0548 *", { " 400 ",
	    " 78,5% ", " 80% ", " nee ", " 40 ", " 7,33 van 10 ",
	    " 55,0% (" GE " 4 van 5) ", " 50% positief ", " ja ",
	    " 0-10: 0 1 0 2 1 3 3 8 10 7 5\n" }, { "7.33", "78.5" } },
	{ "text second table: ratings on 1-5, an average norm not met", TEXT,
	    AS_IS, ANSWER_SVG, "Balie <Burgerzaken>", { DASH, DASH, DASH, DASH,
	    " 50 ", " 3,66 van 5 ", " 64,0% (" GE " 4) ",
	    " gemiddeld 3,8 ", " nee ", " 1:3 2:5 3:10 4:20 5:12\n" },
	    { "van 5)", " ja " } },
	{ "text second table: Dutch thousands dots, no ratings", TEXT, AS_IS,
	    ANSWER_SVG, "Chat [2J website", { " 1.500 ", " 80,0% ", DASH,
	    DASH, DASH, DASH, DASH, DASH, DASH, DASH "\n" }, { "1500" } },
	{ "text second table: null resolved and ratings are em dashes", TEXT,
	    AS_IS, ANSWER_SVG, "E-mail info@ *", { DASH, DASH, DASH, DASH, DASH,
	    DASH, DASH, DASH, DASH, DASH "\n" }, { "%", "van", " ja ",
	    " nee " } },
	{ "text second table: a row without the members is em dashes", TEXT,
	    AS_IS, ANSWER_SVG, "Vergunningen", { DASH, DASH, DASH, DASH, DASH,
	    DASH, DASH, DASH, DASH, DASH "\n" }, { "%", "van" } },
	{ "text second table: a channel's subtotal has no norm", TEXT, AS_IS,
	    ANSWER_SVG, "Totaal telefoon *", { " 400 ", " 78,5% ", DASH,
	    DASH, " 40 ", " 7,33 van 10 ", " 55,0% (" GE " 4 van 5) ",
	    DASH, DASH, " 0-10: " }, { " ja ", " nee " } },
	{ "text second table: the total counts both scales", TEXT, AS_IS,
	    ANSWER_SVG, "Totaal   ", { " 1.900 ", " 79,7% ", DASH, DASH,
	    " 90 ", " 3,78 van 5 ", " 60,0% (" GE " 4) ", DASH, DASH,
	    " 1:3 2:5 3:10 4:20 5:12; 0-10: 0 1 0 2 1 3 3 8 10 7 5\n" },
	    { NULL } },
	{ "text second table: no wait table after it", TEXT, AS_IS,
	    ANSWER_SVG, NULL, { "\nTotaal   ", "\n\n* " }, { "Contacten",
	    "Alle kanalen" } },

	{ "html second table: a section with heading and caption", HTML,
	    AS_IS, ANSWER_SVG, NULL, { "<section class=\"kwaliteit\" "
	    "aria-labelledby=\"kwaliteit\">\n<h2 id=\"kwaliteit\">Eerste "
	    "contact en waardering</h2>\n<table>\n<caption>Eerste contact en "
	    "waardering: wachtrijen, kanalen en totaal, 1 juli 2026 t/m 30 "
	    "september 2026</caption>\n" }, { NULL } },
	{ "html second table: grouped column headers with scope", HTML,
	    AS_IS, ANSWER_SVG, NULL, { "</caption>\n<colgroup><col></colgroup>"
	    "<colgroup span=\"4\"></colgroup><colgroup span=\"6\"></colgroup>"
	    "\n<thead>\n<tr><td></td><th scope=\"colgroup\" colspan=\"4\">"
	    "Eerste contact</th><th scope=\"colgroup\" colspan=\"6\">"
	    "Waardering</th></tr>\n<tr><th scope=\"col\">Wachtrij</th>"
	    "<th scope=\"col\">Afgehandeld</th><th scope=\"col\">Direct</th>"
	    "<th scope=\"col\">Norm</th><th scope=\"col\">Gehaald</th>"
	    "<th scope=\"col\">Beoordelingen</th><th scope=\"col\">Gemiddeld"
	    "</th><th scope=\"col\">Positief</th><th scope=\"col\">Norm</th>"
	    "<th scope=\"col\">Gehaald</th><th scope=\"col\">Verdeling</th>"
	    "</tr>\n</thead>\n" }, { NULL } },
	{ "html second table: a queue's row, met and not met in words",
	    HTML, AS_IS, ANSWER_SVG, NULL, { "<tr><th scope=\"row\">Telefoon "
	    "14 0548 *</th><td>400</td><td>78,5%</td><td class=\"tekst\">80%"
	    "</td><td class=\"tekst nee\">Niet gehaald</td><td>40</td>"
	    "<td>7,33 van 10</td><td>55,0% (" GE " 4 van 5)</td>"
	    "<td class=\"tekst\">50% positief</td><td class=\"tekst ja\">"
	    "Gehaald</td><td class=\"tekst\">0-10: 0 1 0 2 1 3 3 8 10 7 5"
	    "</td></tr>\n" }, { NULL } },
	{ "html second table: escapes a label, reads an em dash out", HTML,
	    AS_IS, ANSWER_SVG, NULL, { "<tr><th scope=\"row\">Balie &lt;"
	    "Burgerzaken&gt; &amp; Paspoort</th><td><span aria-hidden=\"true\">"
	    DASH "</span><span class=\"sr\">geen gegevens</span></td>",
	    "<td>50</td><td>3,66 van 5</td><td>64,0% (" GE " 4)</td>"
	    "<td class=\"tekst\">gemiddeld 3,8</td><td class=\"tekst nee\">"
	    "Niet gehaald</td><td class=\"tekst\">1:3 2:5 3:10 4:20 5:12</td>"
	    "</tr>\n" }, { "<Burgerzaken>" } },
	{ "html second table: a channel per tbody, the total in tfoot", HTML,
	    AS_IS, ANSWER_SVG, NULL, { "<tbody>\n<tr><th scope=\"row\">Balie",
	    "<tr class=\"totaal\"><th scope=\"row\">Totaal balie</th>",
	    "</tbody>\n<tbody>\n<tr><th scope=\"row\">Chat [2J website</th>"
	    "<td>1.500</td><td>80,0%</td>", "</tbody>\n<tbody>\n<tr><th "
	    "scope=\"row\">E-mail info@ *</th>", "<tr class=\"totaal\"><th "
	    "scope=\"row\">Totaal telefoon *</th>", "</tbody>\n<tfoot>\n<tr>"
	    "<th scope=\"row\">Totaal</th><td>1.900</td><td>79,7%</td>",
	    "<td class=\"tekst\">1:3 2:5 3:10 4:20 5:12; 0-10: 0 1 0 2 1 3 3 8 "
	    "10 7 5</td></tr>\n</tfoot>\n</table>\n" }, { NULL } },
	{ "html second table repeats the coverage notes on its page", HTML,
	    AS_IS, ANSWER_SVG, NULL, { "</table>\n<p class=\"noot\">* E-mail "
	    "info@: gemeten gedurende 99,9% van de periode.</p>\n",
	    "<p class=\"noot\">* Totaal telefoon: gemeten gedurende 99,2% van "
	    "de periode.</p>\n</section>\n" }, { NULL } },
	{ "html glossary explains the new columns", HTML, AS_IS, ANSWER_SVG,
	    NULL, { "<dt>Afgehandeld, Direct</dt>",
	    "<dt>Beoordelingen, Gemiddeld</dt>", "<dt>Positief</dt>",
	    "<dt>Norm, Gehaald</dt>", "<dt>Verdeling</dt>",
	    "</dl>\n</section>\n</main>\n" }, { NULL } },
};

/*
 * Checks each want in order, in out or in its one line, and the nevers;
 * all after the first "after" in out when that is not NULL.
 */
static void
expect(const char *out, const struct fcase *c, const char *after)
{
	const char	*p, *q, *end = out + strlen(out);
	char		 prefix[128];
	size_t		 i;

	if (after != NULL && (out = strstr(out, after)) == NULL)
		fail_msg("no \"%s\" in the output", after);
	p = out;
	if (c->line != NULL) {
		snprintf(prefix, sizeof(prefix), "\n%s", c->line);
		if ((p = strstr(out, prefix)) == NULL)
			fail_msg("no line starts with \"%s\" in:\n%s", c->line,
			    out);
		p++;
		end = strchr(p, '\n') != NULL ? strchr(p, '\n') + 1 : end;
	}
	for (i = 0; i < WANT_MAX && c->want[i] != NULL; i++) {
		q = strstr(p, c->want[i]);
		if (q == NULL || q + strlen(c->want[i]) > end)
			fail_msg("\"%s\" missing (or out of order) in:\n%.*s",
			    c->want[i], (int)(end - (c->line ? p : out)),
			    c->line ? p : out);
		p = q + strlen(c->want[i]);
	}
	p = c->line != NULL ? strstr(out, prefix) + 1 : out;
	for (i = 0; i < NELEM(c->never) && c->never[i] != NULL; i++) {
		q = strstr(p, c->never[i]);
		if (q != NULL && q < end)
			fail_msg("\"%s\" should not be in:\n%.*s", c->never[i],
			    (int)(end - p), p);
	}
}

/* Takes "resolved" and "ratings" out of a row, or makes them null. */
static void
strip_quality(json_t *row, enum edit edit)
{
	if (edit == NO_QUALITY) {
		json_object_del(row, "resolved");
		json_object_del(row, "ratings");
	} else {
		json_object_set_new(row, "resolved", json_null());
		json_object_set_new(row, "ratings", json_null());
	}
}

static void
each_row(json_t *r, enum edit edit)
{
	json_t		*row;
	size_t		 i;

	json_array_foreach(json_object_get(r, "queues"), i, row)
		strip_quality(row, edit);
	json_array_foreach(json_object_get(r, "channels"), i, row)
		strip_quality(row, edit);
	strip_quality(json_object_get(r, "total"), edit);
}

static json_t *
load(enum edit edit)
{
	json_error_t	 err;
	json_t		*r = json_loads(fixture, 0, &err);

	if (r == NULL)
		fail_msg("fixture: line %d: %s", err.line, err.text);
	if (edit == NO_START_END) {
		json_object_del(r, "start");
		json_object_del(r, "end");
	}
	if (edit == NO_QUALITY || edit == NULL_QUALITY)
		each_row(r, edit);
	return r;
}

/* Runs a formatter into memory: its output, which the caller frees. */
static char *
render(const json_t *r, enum report_fmt_format f, struct fake *fk, int *rc,
    const char **why)
{
	char	*out = NULL;
	size_t	 len = 0;
	FILE	*mem = open_memstream(&out, &len);

	assert_non_null(mem);
	*rc = report_fmt_write(mem, r, f, fake_fetch, fk, why);
	assert_int_equal(fclose(mem), 0);
	return out;
}

static void
run_fcase(void **state)
{
	const struct fcase *c = *state;
	struct fake	 fk = { .sl = c->sl, .asked = "" };
	json_t		*r = load(c->edit);
	const char	*why = NULL;
	char		*out;
	int		 rc;

	out = render(r, c->format, &fk, &rc, &why);
	if (rc != 0)
		fail_msg("refused: %s", why != NULL ? why : "(no reason)");
	expect(out, c, NULL);
	free(out);
	json_decref(r);
}

/* A qcase: an fcase about the second table, looked for from its start. */
static void
run_qcase(void **state)
{
	const struct fcase *c = *state;
	struct fake	 fk = { .sl = c->sl, .asked = "" };
	json_t		*r = load(c->edit);
	const char	*why = NULL;
	char		*out;
	int		 rc;

	out = render(r, c->format, &fk, &rc, &why);
	if (rc != 0)
		fail_msg("refused: %s", why != NULL ? why : "(no reason)");
	expect(out, c, c->format == TEXT ? QUALITY : c->format == HTML ?
	    QUALITY_HTML : NULL);
	free(out);
	json_decref(r);
}

/* ------------------------------------------------------------------ */
/* Graphs asked for */

/* Which graphs, for which period, each norm kind gets. */
static void
graphs_follow_the_norm_kind(void **state)
{
	struct fake	 fk = { .sl = ANSWER_SVG, .asked = "" };
	json_t		*r = load(AS_IS);
	const char	*why;
	char		*out;
	int		 rc;

	(void)state;
	out = render(r, HTML, &fk, &rc, &why);
	assert_int_equal(rc, 0);
	/* 2026-07-01T00:00+02:00 and 2026-10-01T00:00+02:00 as epochs. */
#define PERIOD	"?start=1782856800&end=1790805600&width=700&height=200\n"
	assert_string_equal(fk.asked,
	    "/graph/balie/burgerzaken/wait.svg" PERIOD
	    "/graph/balie/burgerzaken/waiting.svg" PERIOD
	    "/graph/chat/website/waiting.svg" PERIOD
	    "/graph/email/info/oldest_age.svg" PERIOD
	    "/graph/email/info/backlog.svg" PERIOD
	    "/graph/telefoon/algemeen/sl.svg" PERIOD
	    "/graph/telefoon/algemeen/waiting.svg" PERIOD
	    "/graph/telefoon/vergunningen/sl.svg" PERIOD
	    "/graph/telefoon/vergunningen/waiting.svg" PERIOD);
#undef PERIOD
	free(out);
	json_decref(r);
}

/*
 * Without "start"/"end" there is no graph period: the report keeps its
 * tables, each graph is a note, and nothing is asked of the daemon.
 */
static void
graphs_need_start_and_end(void **state)
{
	struct fake	 fk = { .sl = ANSWER_SVG, .asked = "" };
	json_t		*r = load(NO_START_END);
	const char	*why;
	char		*out;
	int		 rc;

	(void)state;
	out = render(r, HTML, &fk, &rc, &why);
	assert_int_equal(rc, 0);
	assert_string_equal(fk.asked, "");
	assert_non_null(strstr(out, "<th scope=\"row\">Telefoon 14 0548 *</th>"
	    "<td>812</td>"));
	assert_non_null(strstr(out, "<h3>Telefoon 14 0548</h3>\n"
	    "<p class=\"geen-grafiek\">Grafiek \xe2\x80\x9eServicelevel"));
	assert_null(strstr(out, "<figure>"));
	assert_non_null(strstr(out, "</html>\n"));
	free(out);
	json_decref(r);
}

/* Without a fetch callback the report has tables only. */
static void
html_without_fetch_has_no_graphs(void **state)
{
	json_t		*r = load(AS_IS);
	const char	*why;
	char		*out = NULL;
	size_t		 len = 0;
	FILE		*mem = open_memstream(&out, &len);

	(void)state;
	assert_int_equal(report_fmt_write(mem, r, HTML, NULL, NULL, &why), 0);
	fclose(mem);
	assert_null(strstr(out, "<figure>"));
	assert_null(strstr(out, "geen-grafiek\">"));
	assert_non_null(strstr(out, "<table>"));
	free(out);
	json_decref(r);
}

/* Every line of a wait table ends in the same column. */
static void
text_columns_line_up(void **state)
{
	struct fake	 fk = { .sl = ANSWER_SVG, .asked = "" };
	json_t		*r = load(AS_IS);
	const char	*why, *line, *nl;
	char		*out, *second;
	size_t		 width = 0, w;
	int		 rc, rows = 0;

	(void)state;
	out = render(r, TEXT, &fk, &rc, &why);
	assert_int_equal(rc, 0);
	/* The second table has its own width: text_quality_table. */
	assert_non_null(second = strstr(out, QUALITY));
	second[1] = '\0';
	/* Table lines: headings, rules and rows; not the heading of the
	 * report, channel titles or footnotes. */
	assert_non_null(line = strstr(out, "\n\n"));
	for (; (nl = strchr(line, '\n')) != NULL; line = nl + 1) {
		if (nl - line < 60 || line[0] == '*')
			continue;
		for (w = 0; line < nl; line++)
			if (((unsigned char)*line & 0xc0) != 0x80)
				w++;
		if (width == 0)
			width = w;
		assert_int_equal(w, width);
		rows++;
	}
	/* 5 sections: heading and rule each, 9 rows, 3 rules above totals. */
	assert_int_equal(rows, 5 * 2 + 9 + 3);
	free(out);
	json_decref(r);
}

/* The second table of the fixture, exactly, between the wait tables and
 * the footnotes. */
static void
text_quality_table(void **state)
{
	struct fake	 fk = { .sl = ANSWER_SVG, .asked = "" };
	json_t		*r = load(AS_IS);
	const char	*why, *from;
	char		*out, *to;
	int		 rc;

	(void)state;
	out = render(r, TEXT, &fk, &rc, &why);
	assert_int_equal(rc, 0);
	assert_non_null(from = strstr(out, QUALITY));
	assert_non_null(to = strstr(from, "\n\n* E-mail info@:"));
	to[1] = '\0';
	assert_string_equal(from + 1, quality_table);
	free(out);
	json_decref(r);
}

/* A long label ends in "…" after 47 characters, not bytes, in text only. */
static void
text_shortens_a_long_label(void **state)
{
	char		 e60[128] = "";
	json_t		*r;
	struct fake	 fk = { .sl = ANSWER_SVG, .asked = "" };
	const char	*why;
	char		*out, want[256];
	int		 rc, i;

	(void)state;
	/* 60 characters of two bytes each. */
	for (i = 0; i < 60; i++)
		strcat(e60, "\xc3\xa9");
	r = json_pack("{s:s, s:s, s:[{s:s, s:s, s:f}], s:[], "
	    "s:{s:s}}", "from", "2026-07-01", "to", "2026-07-31", "queues",
	    "id", "balie/lang", "label", e60, "covered", 50.0, "channels",
	    "total", "id", "totaal");
	assert_non_null(r);
	snprintf(want, sizeof(want), "\n%.94s\xe2\x80\xa6 *  ", e60);
	out = render(r, TEXT, &fk, &rc, &why);
	assert_int_equal(rc, 0);
	if (strstr(out, want) == NULL)
		fail_msg("no shortened label in:\n%s", out);
	free(out);
	out = render(r, HTML, &fk, &rc, &why);
	assert_int_equal(rc, 0);
	snprintf(want, sizeof(want), "<th scope=\"row\">%s *</th>", e60);
	assert_non_null(strstr(out, want));
	free(out);
	json_decref(r);
}

/* ------------------------------------------------------------------ */
/* Ratings against their norm */

/*
 * The report does not say whether a rating norm's target is an average
 * score or a % positive: report_fmt takes a target above the scale as a
 * %. Each case is one queue "Q1" with these ratings; its line in the
 * second table must hold the wants, in order.
 */
struct rcase {
	const char	*what;
	const char	*ratings;
	const char	*want[4];
};

static struct rcase rcases[] = {
	{ "a target on 1-5 within the scale is an average", "{\"count\": 2, "
	    "\"scores\": {\"5\": [0, 0, 0, 1, 1]}, \"average\": 4.5, "
	    "\"scale\": 5, \"positive_pct\": 100, \"positive_from\": 4, "
	    "\"positive_scale\": 5, \"target\": 4.5, \"met\": true}",
	    { " 4,50 van 5 ", " 100,0% (" GE " 4) ", " gemiddeld 4,5 ",
	    " ja " } },
	{ "a target of the top of the scale is still an average",
	    "{\"count\": 1, \"scores\": {\"5\": [0, 0, 0, 1, 0]}, "
	    "\"average\": 4, \"scale\": 5, \"positive_pct\": 100, "
	    "\"positive_from\": 4, \"positive_scale\": 5, \"target\": 5, "
	    "\"met\": false}", { " 4,00 van 5 ", " gemiddeld 5 ",
	    " nee ", " 1:0 2:0 3:0 4:1 5:0\n" } },
	{ "a target on 0-10 within the scale is an average", "{\"count\": 1, "
	    "\"scores\": {\"10\": [0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0]}, "
	    "\"average\": 8, \"scale\": 10, \"positive_pct\": 100, "
	    "\"positive_from\": 7.5, \"positive_scale\": 10, "
	    "\"target\": 7.5, \"met\": true}", { " 8,00 van 10 ",
	    " 100,0% (" GE " 7,5) ", " gemiddeld 7,5 ", " ja " } },
	{ "a target above the scale is a share positive", "{\"count\": 4, "
	    "\"scores\": {\"5\": [1, 0, 0, 2, 1]}, \"average\": 3.75, "
	    "\"scale\": 5, \"positive_pct\": 75, \"positive_from\": 4, "
	    "\"positive_scale\": 5, \"target\": 80, \"met\": false}",
	    { " 75,0% (" GE " 4) ", " 80% positief ", " nee " } },
	{ "a share target with a fraction on 0-10", "{\"count\": 1, "
	    "\"scores\": {\"10\": [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]}, "
	    "\"average\": 10, \"scale\": 10, \"positive_pct\": 100, "
	    "\"positive_from\": 8, \"positive_scale\": 10, "
	    "\"target\": 62.5, \"met\": true}", { " 10,00 van 10 ",
	    " 62,5% positief ", " ja ", " 0-10: 0 0 0 0 0 0 0 0 0 0 1\n" } },
	{ "target_kind says a low target is a share positive", "{\"count\": 4, "
	    "\"scores\": {\"5\": [1, 0, 0, 2, 1]}, \"average\": 3.75, "
	    "\"scale\": 5, \"positive_pct\": 75, \"positive_from\": 4, "
	    "\"positive_scale\": 5, \"target\": 5, \"target_kind\": "
	    "\"positive\", \"met\": true}",
	    { " 75,0% (" GE " 4) ", " 5% positief ", " ja " } },
	{ "target_kind says an average, whatever the scale", "{\"count\": 1, "
	    "\"scores\": {\"5\": [0, 0, 0, 1, 0]}, \"average\": 4, "
	    "\"scale\": 5, \"positive_pct\": 100, \"positive_from\": 4, "
	    "\"positive_scale\": 5, \"target\": 4, \"target_kind\": "
	    "\"average\", \"met\": true}", { " 4,00 van 5 ",
	    " gemiddeld 4 ", " ja " } },
	{ "no target, no norm", "{\"count\": 1, \"scores\": {\"5\": "
	    "[0, 0, 1, 0, 0]}, \"average\": 3, \"scale\": 5, "
	    "\"positive_pct\": 0, \"positive_from\": 4, "
	    "\"positive_scale\": 5}", { " 0,0% (" GE " 4) ", DASH, DASH,
	    " 1:0 2:0 3:1 4:0 5:0\n" } },
	{ "counts by score of the wrong length are unknown", "{\"count\": 6, "
	    "\"scores\": {\"5\": [1, 2, 3]}, \"average\": 2.33, "
	    "\"scale\": 5}", { " 6 ", " 2,33 van 5 ", DASH "\n" } },
	{ "a count by score that is no number is unknown", "{\"count\": 1, "
	    "\"scores\": {\"10\": [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, \"x\"]}, "
	    "\"average\": 10, \"scale\": 10}", { " 10,00 van 10 ",
	    DASH "\n" } },
	{ "figures too big for a cell are cut, not overrun", "{\"count\": "
	    "1e300, \"scores\": {\"10\": [1e300, 1e300, 1e300, 1e300, 1e300, "
	    "1e300, 1e300, 1e300, 1e300, 1e300, 1e300]}, \"average\": 1e300, "
	    "\"scale\": 1e300, \"positive_pct\": 1e300, "
	    "\"positive_from\": 1e300, \"positive_scale\": 10, "
	    "\"target\": 1e300}", { " 1000000000", " 0-10: 1000000000" } },
};

static void
run_rcase(void **state)
{
	const struct rcase *c = *state;
	struct fake	 fk = { .sl = ANSWER_SVG, .asked = "" };
	struct fcase	 f = { c->what, TEXT, AS_IS, ANSWER_SVG, "Q1",
			    { NULL }, { NULL } };
	json_t		*ratings, *r;
	const char	*why;
	char		*out;
	size_t		 i;
	int		 rc;

	if ((ratings = json_loads(c->ratings, 0, NULL)) == NULL)
		fail_msg("ratings of \"%s\" are no JSON", c->what);
	r = json_pack("{s:s, s:s, s:[{s:s, s:s, s:o}], s:[], s:{s:s}}",
	    "from", "2026-07-01", "to", "2026-12-31", "queues", "id",
	    "balie/q1", "label", "Q1", "ratings", ratings, "channels",
	    "total", "id", "totaal");
	assert_non_null(r);
	for (i = 0; i < NELEM(c->want); i++)
		f.want[i] = c->want[i];
	out = render(r, TEXT, &fk, &rc, &why);
	assert_int_equal(rc, 0);
	expect(out, &f, QUALITY);
	free(out);
	json_decref(r);
}

/* ------------------------------------------------------------------ */
/* Not a report */

struct ecase {
	const char	*what;
	const char	*json;
};

static struct ecase ecases[] = {
	{ "an array instead of an object", "[]" },
	{ "no from", "{\"to\": \"2026-09-30\", \"queues\": [], \"channels\": [],"
	    " \"total\": {}}" },
	{ "no queues", "{\"from\": \"2026-07-01\", \"to\": \"2026-09-30\", "
	    "\"channels\": [], \"total\": {}}" },
	{ "queues not a list", "{\"from\": \"2026-07-01\", \"to\": "
	    "\"2026-09-30\", \"queues\": {}, \"channels\": [], \"total\": {}}" },
	{ "a queue without id", "{\"from\": \"2026-07-01\", \"to\": "
	    "\"2026-09-30\", \"queues\": [{\"label\": \"x\"}], \"channels\": [],"
	    " \"total\": {}}" },
	{ "a channel without id", "{\"from\": \"2026-07-01\", \"to\": "
	    "\"2026-09-30\", \"queues\": [], \"channels\": [7], \"total\": {}}" },
	{ "no total", "{\"from\": \"2026-07-01\", \"to\": \"2026-09-30\", "
	    "\"queues\": [], \"channels\": []}" },
};

/* Text, CSV and HTML refuse it with a reason; nothing is half written. */
static void
run_ecase(void **state)
{
	const struct ecase *c = *state;
	static const enum report_fmt_format fs[] = { TEXT, CSV, HTML };
	struct fake	 fk = { .sl = ANSWER_SVG, .asked = "" };
	json_t		*r = json_loads(c->json, 0, NULL);
	const char	*why;
	char		*out;
	size_t		 i;
	int		 rc;

	assert_non_null(r);
	for (i = 0; i < NELEM(fs); i++) {
		why = NULL;
		out = render(r, fs[i], &fk, &rc, &why);
		assert_int_equal(rc, -1);
		assert_non_null(why);
		assert_true(why[0] != '\0');
		assert_string_equal(out, "");
		free(out);
	}
	assert_string_equal(fk.asked, "");
	json_decref(r);
}

/* An empty period is still a report: every table, and no rows. */
static void
empty_report_is_a_report(void **state)
{
	json_t		*r = json_loads("{\"from\": \"2026-07-01\", \"to\": "
	    "\"2026-07-01\", \"queues\": [], \"channels\": [], \"total\": "
	    "{\"id\": \"totaal\", \"contacts\": 0}}", 0, NULL);
	struct fake	 fk = { .sl = ANSWER_SVG, .asked = "" };
	const char	*why;
	char		*out;
	int		 rc;

	(void)state;
	out = render(r, TEXT, &fk, &rc, &why);
	assert_int_equal(rc, 0);
	assert_non_null(strstr(out, "Verantwoording wachttijden 1 juli 2026\n"));
	assert_non_null(strstr(out, "\nTotaal   "));
	free(out);
	out = render(r, CSV, &fk, &rc, &why);
	assert_int_equal(rc, 0);
	assert_string_equal(out, CSV_HEAD "2026-07-01,2026-07-01,total,totaal,"
	    ",,,,,,,,,,0,,,,,,,," CSV_NO_QUALITY "\r\n");
	free(out);
	json_decref(r);
}

/* ------------------------------------------------------------------ */
/* Durations, percentages, scores and times */

enum helper {
	DURATION,
	PERCENT,
	SCORE,			/* report_fmt_decimal: 2 places, trimmed */
	SCORE_EN,		/* the same in English */
	ONE_DECIMAL,		/* 1 place, kept */
	TIME
};

static const char *helper_names[] = { "duration", "percent", "score",
    "score_en", "one_decimal", "time" };

struct hcase {
	enum helper	 helper;
	double		 in;		/* DURATION, PERCENT, SCORE... */
	const char	*s;		/* TIME: input */
	const char	*want;		/* the others: output */
	long long	 epoch;		/* TIME: -1 when refused */
};

static struct hcase hcases[] = {
	{ DURATION, 0, NULL, "0 s", 0 },
	{ DURATION, 21.4, NULL, "21 s", 0 },
	{ DURATION, 59.4, NULL, "59 s", 0 },
	{ DURATION, 59.6, NULL, "1 min 00 s", 0 },
	{ DURATION, 245, NULL, "4 min 05 s", 0 },
	{ DURATION, 3599, NULL, "59 min 59 s", 0 },
	{ DURATION, 3600, NULL, "1 u 00 min", 0 },
	{ DURATION, 7800, NULL, "2 u 10 min", 0 },
	{ DURATION, 7829, NULL, "2 u 10 min", 0 },
	{ DURATION, 7831, NULL, "2 u 11 min", 0 },
	{ DURATION, 200000, NULL, "55 u 33 min", 0 },
	{ DURATION, -1, NULL, DASH, 0 },
	{ DURATION, NAN, NULL, DASH, 0 },
	{ PERCENT, 82.3, NULL, "82,3%", 0 },
	{ PERCENT, 100, NULL, "100,0%", 0 },
	{ PERCENT, 0, NULL, "0,0%", 0 },
	{ PERCENT, 2.66, NULL, "2,7%", 0 },
	{ PERCENT, INFINITY, NULL, DASH, 0 },
	{ SCORE, 4.25, NULL, "4,25", 0 },
	{ SCORE, 7.5, NULL, "7,5", 0 },
	{ SCORE, 4, NULL, "4", 0 },
	{ SCORE, 3.666, NULL, "3,67", 0 },
	{ SCORE, 9.999, NULL, "10", 0 },
	{ SCORE, 0.001, NULL, "0", 0 },
	{ SCORE, 10, NULL, "10", 0 },
	{ SCORE_EN, 7.5, NULL, "7.5", 0 },
	{ SCORE_EN, 4, NULL, "4", 0 },
	{ ONE_DECIMAL, 4, NULL, "4,0", 0 },
	{ ONE_DECIMAL, 4.36, NULL, "4,4", 0 },
	{ ONE_DECIMAL, 10, NULL, "10,0", 0 },
	{ TIME, 0, "2026-07-01T00:00:00+02:00", NULL, 1782856800 },
	{ TIME, 0, "2026-06-30T22:00:00Z", NULL, 1782856800 },
	{ TIME, 0, "2026-07-01T00:00:00.750+02:00", NULL, 1782856800 },
	{ TIME, 0, "2026-07-01T00:00:00+0200", NULL, 1782856800 },
	{ TIME, 0, "2026-07-01 00:00:00+02", NULL, 1782856800 },
	{ TIME, 0, "2026-12-31T23:00:00-01:00", NULL, 1798761600 },
	{ TIME, 0, "2028-02-29T12:00:00+01:00", NULL, 1835434800 },
	{ TIME, 0, "2026-07-01", NULL, -1 },
	{ TIME, 0, "2026-07-01T00:00:00", NULL, -1 },
	{ TIME, 0, "2026-02-29T00:00:00Z", NULL, -1 },
	{ TIME, 0, "2026-07-01T25:00:00Z", NULL, -1 },
	{ TIME, 0, "2026-07-01T00:00:00+02:00 ", NULL, -1 },
	{ TIME, 0, "2026-07-01T00:00:00+2:00", NULL, -1 },
	{ TIME, 0, "", NULL, -1 },
};

static void
run_hcase(void **state)
{
	const struct hcase *c = *state;
	char		 buf[64];
	long long	 epoch = -12345;

	switch (c->helper) {
	case DURATION:
		assert_string_equal(report_fmt_duration(c->in, buf,
		    sizeof(buf)), c->want);
		break;
	case PERCENT:
		assert_string_equal(report_fmt_percent(c->in, buf,
		    sizeof(buf)), c->want);
		break;
	case SCORE:
	case SCORE_EN:
		assert_string_equal(report_fmt_decimal(c->in, 2, 1,
		    c->helper == SCORE_EN, buf, sizeof(buf)), c->want);
		break;
	case ONE_DECIMAL:
		assert_string_equal(report_fmt_decimal(c->in, 1, 0, 0, buf,
		    sizeof(buf)), c->want);
		break;
	case TIME:
		if (c->epoch == -1)
			assert_int_equal(report_fmt_time(c->s, &epoch), -1);
		else {
			assert_int_equal(report_fmt_time(c->s, &epoch), 0);
			assert_int_equal(epoch, c->epoch);
		}
		break;
	}
}

/* The format names wachtctl accepts after --format. */
static void
format_names(void **state)
{
	enum report_fmt_format f;

	(void)state;
	assert_int_equal(report_fmt_format("text", &f), 0);
	assert_int_equal(f, TEXT);
	assert_int_equal(report_fmt_format("csv", &f), 0);
	assert_int_equal(f, CSV);
	assert_int_equal(report_fmt_format("json", &f), 0);
	assert_int_equal(f, JSON);
	assert_int_equal(report_fmt_format("html", &f), 0);
	assert_int_equal(f, HTML);
	assert_int_equal(report_fmt_format("pdf", &f), -1);
	assert_int_equal(report_fmt_format("HTML", &f), -1);
	assert_int_equal(report_fmt_format("", &f), -1);
}

/* JSON out parses back to exactly the report that came in. */
static void
json_round_trips(void **state)
{
	struct fake	 fk = { .sl = ANSWER_SVG, .asked = "" };
	json_t		*r = load(AS_IS), *back;
	const char	*why;
	char		*out;
	int		 rc;

	(void)state;
	out = render(r, JSON, &fk, &rc, &why);
	assert_int_equal(rc, 0);
	assert_non_null(back = json_loads(out, 0, NULL));
	assert_true(json_equal(r, back));
	json_decref(back);
	free(out);
	json_decref(r);
}

#define NSINGLE	9

int
main(void)
{
	static char	 names[NELEM(fcases) + NELEM(qcases) +
			    NELEM(rcases) + NELEM(ecases) + NELEM(hcases)][200];
	struct CMUnitTest tests[NELEM(fcases) + NELEM(qcases) +
			    NELEM(rcases) + NELEM(ecases) + NELEM(hcases) +
			    NSINGLE];
	size_t		 i, n = 0, k = 0;

	for (i = 0; i < NELEM(fcases); i++, k++) {
		snprintf(names[k], sizeof(names[k]), "%s", fcases[i].what);
		tests[n++] = (struct CMUnitTest){ names[k], run_fcase, NULL,
		    NULL, &fcases[i] };
	}
	for (i = 0; i < NELEM(qcases); i++, k++) {
		snprintf(names[k], sizeof(names[k]), "%s", qcases[i].what);
		tests[n++] = (struct CMUnitTest){ names[k], run_qcase, NULL,
		    NULL, &qcases[i] };
	}
	for (i = 0; i < NELEM(rcases); i++, k++) {
		snprintf(names[k], sizeof(names[k]), "rating norm: %s",
		    rcases[i].what);
		tests[n++] = (struct CMUnitTest){ names[k], run_rcase, NULL,
		    NULL, &rcases[i] };
	}
	for (i = 0; i < NELEM(ecases); i++, k++) {
		snprintf(names[k], sizeof(names[k]), "not a report: %s",
		    ecases[i].what);
		tests[n++] = (struct CMUnitTest){ names[k], run_ecase, NULL,
		    NULL, &ecases[i] };
	}
	for (i = 0; i < NELEM(hcases); i++, k++) {
		if (hcases[i].helper == TIME)
			snprintf(names[k], sizeof(names[k]), "time \"%s\" %s",
			    hcases[i].s, hcases[i].epoch == -1 ? "refused" :
			    "read");
		else
			snprintf(names[k], sizeof(names[k]), "%s %g is \"%s\"",
			    helper_names[hcases[i].helper], hcases[i].in,
			    hcases[i].want);
		tests[n++] = (struct CMUnitTest){ names[k], run_hcase, NULL,
		    NULL, &hcases[i] };
	}
	tests[n++] = (struct CMUnitTest)
	    cmocka_unit_test(graphs_follow_the_norm_kind);
	tests[n++] = (struct CMUnitTest)
	    cmocka_unit_test(graphs_need_start_and_end);
	tests[n++] = (struct CMUnitTest)
	    cmocka_unit_test(html_without_fetch_has_no_graphs);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(text_columns_line_up);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(text_quality_table);
	tests[n++] = (struct CMUnitTest)
	    cmocka_unit_test(text_shortens_a_long_label);
	tests[n++] = (struct CMUnitTest)
	    cmocka_unit_test(empty_report_is_a_report);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(format_names);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(json_round_trips);
	if (n != NELEM(tests))
		abort();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
