// Slack's mrkdwn as Slack shows it: *bold*, _italic_, ~strike~, `code`, ```pre```, > quotes,
// bullet lines, :emoji:, and the control sequences in angle brackets — links <url|label>,
// mentions <@U…> <#C…> <!here>, user groups <!subteam^…> and dates <!date^…^{…}|fallback>.
// Text arrives escaped (&amp; &lt; &gt;), as Slack sends it. Every node is built with DOM
// calls and textContent, never innerHTML, so no message can inject markup.
//
// `ctx` says what the words refer to: userName(id), channelName(id), timeZone (IANA),
// now (seconds, the sandbox clock), link(url) → {href, onclick} for links the page opens
// itself, and openChannel(id).
"use strict";

const MRKDWN_TOKEN = new RegExp([
  "(`[^`\\n]+`)",                                                       // 1 code
  "(<[^<>\\n]+>)",                                                      // 2 control sequence
  "(:[a-z0-9_+'-]+:(?::skin-tone-[2-6]:)?)",                            // 3 emoji
  // Bold, italic and strike only at word edges, with no space just inside the marks:
  // "2*3*4" and "snake_case_name" stay as they are, as in Slack.
  "((?<![\\p{L}\\p{N}*])\\*(?!\\s)[^*\\n]+?(?<!\\s)\\*(?![\\p{L}\\p{N}*]))", // 4 bold
  "((?<![\\p{L}\\p{N}_])_(?!\\s)[^_\\n]+?(?<!\\s)_(?![\\p{L}\\p{N}_]))",     // 5 italic
  "((?<![\\p{L}\\p{N}~])~(?!\\s)[^~\\n]+?(?<!\\s)~(?![\\p{L}\\p{N}~]))",     // 6 strike
].join("|"), "gu");

const BULLET_LINE = /^(\s*)([•◦▪▫‣⁃]|-|\d{1,3}[.)])\s+(.*)$/u;
const QUOTE_LINE = /^(?:&gt;|>)\s?(.*)$/;

function mkNode(tag, className, ...children) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  for (const child of children) node.append(child);
  return node;
}

function decodeEntities(text) {
  return text.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
}

function emojiFor(shortcode) {
  // ":+1::skin-tone-3:" → 👍🏼
  const [name, tone] = shortcode.split("::");
  const base = EMOJI[name.replace(/^:|:$/g, "")];
  if (!base) return null;
  const toneDigit = tone ? tone.replace(/\D/g, "") : "";
  return base + (SKIN_TONES[toneDigit] || "");
}

function withEmoji(text) {
  return String(text || "").replace(/:([a-z0-9_+'-]+):/g, (whole, name) => EMOJI[name] || whole);
}

// ------------------------------------------------------------------------- dates
function ordinal(day) {
  const n = Number(day);
  if (n % 100 >= 11 && n % 100 <= 13) return `${n}th`;
  return `${n}${{ 1: "st", 2: "nd", 3: "rd" }[n % 10] || "th"}`;
}

function zonedParts(seconds, timeZone) {
  const parts = {};
  const format = new Intl.DateTimeFormat("en-US", {
    timeZone, year: "numeric", month: "long", day: "numeric", weekday: "long",
    hour: "numeric", minute: "2-digit", second: "2-digit", hour12: true,
  });
  for (const part of format.formatToParts(new Date(seconds * 1000))) parts[part.type] = part.value;
  return parts;
}

function isoDay(seconds, timeZone) {
  // en-CA writes dates as YYYY-MM-DD.
  return new Intl.DateTimeFormat("en-CA", {
    timeZone, year: "numeric", month: "2-digit", day: "2-digit",
  }).format(new Date(seconds * 1000));
}

function dayNumber(seconds, timeZone) {
  // The calendar day in the zone, as a number, to say "today" / "yesterday" / "tomorrow".
  return Date.parse(`${isoDay(seconds, timeZone)}T00:00:00Z`) / 86400000;
}

function ago(seconds, now) {
  const delta = now - seconds;
  const size = Math.abs(delta);
  const units = [["year", 31536000], ["month", 2592000], ["week", 604800], ["day", 86400],
    ["hour", 3600], ["minute", 60]];
  for (const [unit, length] of units) {
    if (size >= length) {
      const count = Math.floor(size / length);
      const words = `${count} ${unit}${count === 1 ? "" : "s"}`;
      return delta >= 0 ? `${words} ago` : `in ${words}`;
    }
  }
  return "just now";
}

function formatSlackDate(seconds, template, ctx) {
  const p = zonedParts(seconds, ctx.timeZone);
  const monthShort = p.month.slice(0, 3);
  const numeric = isoDay(seconds, ctx.timeZone);
  const days = dayNumber(seconds, ctx.timeZone) - dayNumber(ctx.now, ctx.timeZone);
  const relative = { "-1": "yesterday", 0: "today", 1: "tomorrow" }[days];
  const date = `${p.month} ${ordinal(p.day)}, ${p.year}`;
  const short = `${monthShort} ${Number(p.day)}, ${p.year}`;
  const long = `${p.weekday}, ${date}`;
  const values = {
    date_num: numeric,
    date,
    date_short: short,
    date_long: long,
    date_pretty: relative || date,
    date_short_pretty: relative || short,
    date_long_pretty: relative || long,
    time: `${p.hour}:${p.minute} ${p.dayPeriod}`,
    time_secs: `${p.hour}:${p.minute}:${p.second} ${p.dayPeriod}`,
    ago: ago(seconds, ctx.now),
  };
  return template.replace(/\{(\w+)\}/g, (whole, token) => values[token] ?? whole);
}

// ------------------------------------------------------------------------- control sequences
function renderLink(url, label, ctx) {
  if (!/^(https?:|mailto:|tel:)/i.test(url)) return null;
  const own = ctx.link ? ctx.link(url) : null;
  const anchor = mkNode("a", null);
  if (own) {
    anchor.href = own.href;
    anchor.addEventListener("click", own.onclick);
  } else {
    anchor.href = url;
    anchor.target = "_blank";
    anchor.rel = "noopener noreferrer";
  }
  if (label) renderInline(label, anchor, ctx);
  else anchor.textContent = decodeEntities(url);
  return anchor;
}

function renderControl(inner, ctx) {
  const [head, ...rest] = inner.split("|");
  const label = rest.join("|");
  if (head.startsWith("@")) {
    const id = head.slice(1);
    return mkNode("span", "mention", `@${ctx.userName(id) || decodeEntities(label) || id}`);
  }
  if (head.startsWith("#")) {
    const id = head.slice(1);
    const name = ctx.channelName(id) || decodeEntities(label) || id;
    const node = mkNode("a", "mention", `#${name}`);
    node.href = "#";
    node.addEventListener("click", (event) => { event.preventDefault(); ctx.openChannel(id); });
    return node;
  }
  if (head.startsWith("!")) {
    const [kind, ...args] = head.slice(1).split("^");
    if (kind === "date") {
      const [stamp, template, link] = args;
      const seconds = Number(stamp);
      const text = Number.isFinite(seconds) && template
        ? formatSlackDate(seconds, template, ctx) : decodeEntities(label);
      if (link) {
        const anchor = renderLink(link, null, ctx);
        if (anchor) { anchor.textContent = text; return anchor; }
      }
      const node = mkNode("time", "date", text);
      if (Number.isFinite(seconds)) node.dateTime = new Date(seconds * 1000).toISOString();
      return node;
    }
    if (kind === "subteam") return mkNode("span", "special-mention", decodeEntities(label) || "@group");
    if (["here", "channel", "everyone"].includes(kind)) return mkNode("span", "special-mention", `@${kind}`);
    return document.createTextNode(decodeEntities(label || `<${inner}>`));
  }
  return renderLink(head, label, ctx) || document.createTextNode(decodeEntities(label || head));
}

// ------------------------------------------------------------------------- inline and blocks
function renderInline(text, parent, ctx) {
  const pattern = new RegExp(MRKDWN_TOKEN.source, MRKDWN_TOKEN.flags);
  let written = 0;
  let match;
  while ((match = pattern.exec(text)) !== null) {
    const token = match[0];
    let node = null;
    if (match[1]) node = mkNode("code", null, decodeEntities(token.slice(1, -1)));
    else if (match[2]) node = renderControl(token.slice(1, -1), ctx);
    else if (match[3]) {
      const emoji = emojiFor(token);
      if (emoji === null) {
        // Not an emoji (a time like 10:30:00, or an unknown name): the second colon may
        // still open a real one, so look again from there.
        pattern.lastIndex = match.index + 1;
        continue;
      }
      node = mkNode("span", "emoji", emoji);
      node.title = token;
    } else {
      node = mkNode(match[4] ? "strong" : match[5] ? "em" : "s", null);
      renderInline(token.slice(1, -1), node, ctx);
    }
    if (match.index > written) parent.append(decodeEntities(text.slice(written, match.index)));
    parent.append(node);
    written = match.index + token.length;
  }
  if (written < text.length) parent.append(decodeEntities(text.slice(written)));
}

function renderPre(text, ctx) {
  // Slack drops the line break right after the opening fence and before the closing one.
  const body = text.replace(/^\n/, "").replace(/\n$/, "");
  const pre = mkNode("pre", null);
  // Inside a code block only links and mentions are live; everything else is literal.
  let written = 0;
  for (const match of body.matchAll(/<[^<>\n]+>/g)) {
    pre.append(decodeEntities(body.slice(written, match.index)), renderControl(match[0].slice(1, -1), ctx));
    written = match.index + match[0].length;
  }
  pre.append(decodeEntities(body.slice(written)));
  return pre;
}

function renderLines(text, root, ctx) {
  const lines = text.split("\n");
  let quote = null;
  let quoteAll = false;
  lines.forEach((line, index) => {
    const last = index === lines.length - 1;
    if (!quoteAll && line.startsWith("&gt;&gt;&gt;")) {
      quoteAll = true; // ">>>" quotes the rest of the message
      line = line.slice(12).replace(/^\s/, "");
      quote = null;
    }
    const quoted = quoteAll ? [line, line] : line.match(QUOTE_LINE);
    if (quoted) {
      if (!quote) { quote = mkNode("blockquote", null); root.append(quote); } else quote.append("\n");
      renderInline(quoted[1], quote, ctx);
      return;
    }
    quote = null;
    const bullet = line.match(BULLET_LINE);
    if (bullet) {
      const depth = Math.min(Math.floor(bullet[1].replace(/\t/g, "    ").length / 4), 3);
      const item = mkNode("div", `list-item depth-${depth}`, mkNode("span", "list-marker", bullet[2]));
      const content = mkNode("span", "list-text");
      renderInline(bullet[3], content, ctx);
      item.append(content);
      root.append(item);
      return;
    }
    renderInline(line, root, ctx);
    if (!last) root.append("\n");
  });
}

function renderMrkdwn(text, ctx) {
  const root = mkNode("div", "mrkdwn");
  const parts = String(text || "").split("```");
  // An unmatched fence is literal text, as in Slack.
  if (parts.length % 2 === 0) parts.splice(parts.length - 2, 2, `${parts[parts.length - 2]}\`\`\`${parts[parts.length - 1]}`);
  parts.forEach((part, index) => {
    if (index % 2 === 1) root.append(renderPre(part, ctx));
    else renderLines(part, root, ctx);
  });
  return root;
}
