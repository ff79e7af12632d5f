// A small Slack client for the emulator. Everything a person does goes to the emulator's
// /_emulator/actions/* endpoints, which sign it like Slack and send it to the real bot.
// Message text is never inserted as HTML: every node is built with textContent
// (mrkdwn.js renders Slack's formatting the same way; emoji.js is its emoji table).
"use strict";

const COMMANDS = [
  ["/role", "list the roles"],
  ["/role product engineer", "a role card"],
  ["/role compare product engineer vs software engineer", "side by side"],
  ["/role fit", "is product engineering right for you?"],
  ["/hire Senior engineer, checkout team", "start a hiring decision"],
  ["/hire list", "recent conversations and decisions"],
  ["/hire show 1", "one decision in full"],
  ["/hire export", "the decision log as a CSV file, in a DM"],
  ["/hire digest", "preview this week's digest"],
  ["/hire digest now", "post the digest now"],
  ["/hire help", "how /hire works"],
];
const AVATAR_COLOURS = ["#e8912d", "#2eb67d", "#36c5f0", "#ecb22e", "#e01e5a", "#4a154b"];
const SLACKBOT = "USLACKBOT";
const LOCALE = "en-US"; // the sandbox's people all use Slack in US English
// A permalink: /archives/<channel>/p<ts without its dot>[?thread_ts=…&cid=…]
const ARCHIVE_PATH = /^\/archives\/([A-Z0-9]+)\/p(\d{7,})$/;
const LOOPBACK = new Set(["127.0.0.1", "localhost", "0.0.0.0", "[::1]"]);

const ui = {
  state: null,
  seq: 0,
  user: localStorage.getItem("sandbox-user") || "U0MANAGER",
  // A channel id, "home" (the app's Home tab) or "dm" (the chosen person's DM with the bot).
  view: localStorage.getItem("sandbox-view") || "C0HIRING",
  threadTs: null,
  highlightTs: null,
  pendingRoute: null,
  hintIndex: -1,
};

const $ = (id) => document.getElementById(id);

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else if (key === "dataset") Object.assign(node.dataset, value);
    else node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

async function api(path, body) {
  const options = body === undefined ? {} : {
    method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
  };
  const response = await fetch(path, options);
  const data = await response.json().catch(() => ({}));
  if (!response.ok || data.ok === false) {
    const reason = data.error || (data.status ? `the bot answered ${data.status}` : response.statusText);
    toast(`Didn't work: ${reason}`);
  }
  return data;
}

function toast(text) {
  const node = $("toast");
  node.textContent = text;
  node.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => { node.hidden = true; }, 4000);
}

// ---------------------------------------------------------------- people and places
function userById(id) { return ui.state.users.find((u) => u.id === id); }
function channelById(id) { return ui.state.channels.find((c) => c.id === id); }
function me() { return userById(ui.user); }
function myTimeZone() { return me()?.tz || "UTC"; }
function dmChannel() { return ui.state.channels.find((c) => c.is_im && c.user === ui.user); }
// The conversation on screen: a channel, the DM (once it exists), or none (Home).
function currentChannel() { return ui.view === "dm" ? dmChannel() : channelById(ui.view); }
function displayName(id) {
  if (id === ui.state.bot.user_id) return "Hiring Bot";
  if (id === SLACKBOT) return "Slackbot";
  const user = userById(id);
  return user ? user.real_name : id;
}
function avatar(id) {
  const isBot = id === ui.state.bot.user_id;
  const name = displayName(id);
  const colour = isBot ? "#4a154b" : id === SLACKBOT ? "#1d9bd1" : AVATAR_COLOURS[[...id].reduce((a, c) => a + c.charCodeAt(0), 0) % AVATAR_COLOURS.length];
  return el("div", { class: "avatar", style: `background:${colour}`, "aria-hidden": "true" }, isBot ? "H" : name[0]);
}

// Times are shown in the chosen person's time zone, as Slack shows each person theirs.
function formatTime(ts) {
  return new Date(parseFloat(ts) * 1000).toLocaleTimeString(LOCALE, { hour: "numeric", minute: "2-digit", timeZone: myTimeZone() });
}
function formatFullTime(ts) {
  return new Date(parseFloat(ts) * 1000).toLocaleString(LOCALE, { dateStyle: "full", timeStyle: "long", timeZone: myTimeZone() });
}
function dayLabel(ts) {
  const day = (seconds) => new Date(seconds * 1000).toLocaleDateString("en-CA", { timeZone: myTimeZone() });
  const today = day(ui.state.now);
  const yesterday = day(ui.state.now - 86400);
  const messageDay = day(parseFloat(ts));
  if (messageDay === today) return "Today";
  if (messageDay === yesterday) return "Yesterday";
  return new Date(parseFloat(ts) * 1000).toLocaleDateString(LOCALE, { weekday: "long", month: "long", day: "numeric", timeZone: myTimeZone() });
}

// ---------------------------------------------------------------- links into the page
function tsFromDigits(digits) { return `${digits.slice(0, -6)}.${digits.slice(-6)}`; }

// {channel, ts, threadTs} when `url` is a permalink into this workspace: the page's own
// address, a loopback one (an older run on another port), or the workspace's slack.com one
// (links a sandbox database kept from before links pointed here).
function archiveRoute(url) {
  let parsed;
  try { parsed = new URL(url, location.href); } catch { return null; }
  const match = parsed.pathname.match(ARCHIVE_PATH);
  if (!match) return null;
  const ours = parsed.origin === location.origin || LOOPBACK.has(parsed.hostname)
    || (ui.state && parsed.hostname === `${ui.state.team.domain}.slack.com`);
  if (!ours) return null;
  return { channel: match[1], ts: tsFromDigits(match[2]), threadTs: parsed.searchParams.get("thread_ts"), path: parsed.pathname + parsed.search };
}

function routeLink(url) {
  const route = archiveRoute(url);
  if (!route) return null;
  return {
    href: route.path,
    onclick: (event) => {
      if (event.ctrlKey || event.metaKey || event.shiftKey) return; // a new tab opens it too
      event.preventDefault();
      openRoute(route);
    },
  };
}

function openRoute(route, { push = true } = {}) {
  const channel = channelById(route.channel);
  if (!channel) { toast("That conversation isn't in this workspace."); return; }
  if (channel.is_im && channel.user !== ui.user) {
    toast(`That is ${displayName(channel.user)}'s direct message with the bot; switch to them to see it.`);
    return;
  }
  const message = ui.state.messages.find((m) => m.channel === channel.id && m.ts === route.ts);
  if (!message) toast("That message isn't here any more.");
  ui.view = channel.is_im ? "dm" : channel.id;
  localStorage.setItem("sandbox-view", ui.view);
  const threadRoot = route.threadTs || (message && (message.reply_count || (message.thread_ts && message.thread_ts !== message.ts)) ? (message.thread_ts || message.ts) : null);
  ui.threadTs = threadRoot;
  ui.highlightTs = route.ts;
  if (push && location.pathname + location.search !== route.path) history.pushState(null, "", route.path);
  render();
  const target = document.querySelector(`#thread-messages [data-ts="${CSS.escape(route.ts)}"]`)
    || document.querySelector(`#messages [data-ts="${CSS.escape(route.ts)}"]`);
  if (target) target.scrollIntoView({ block: "center" });
}

// ---------------------------------------------------------------- mrkdwn
function mrkdwnContext() {
  return {
    userName: (id) => (id === ui.state.bot.user_id || id === SLACKBOT || userById(id) ? displayName(id) : null),
    channelName: (id) => channelById(id)?.name || null,
    timeZone: myTimeZone(),
    now: ui.state.now,
    link: routeLink,
    openChannel: (id) => (channelById(id) ? switchView(id) : toast("That channel isn't in this workspace.")),
  };
}
function mrkdwn(text) { return renderMrkdwn(text, mrkdwnContext()); }
function plainText(text) { return withEmoji(text); }
function textObject(obj) {
  if (!obj) return el("span");
  return obj.type === "mrkdwn" ? mrkdwn(obj.text) : el("span", { class: "mrkdwn" }, plainText(obj.text));
}

// ---------------------------------------------------------------- Block Kit
function renderElement(element, message, inModal, blockId) {
  if (element.type === "button") {
    const button = el("button", {
      class: `btn ${element.style || ""}`,
      type: "button",
      dataset: { actionId: element.action_id, testid: "block-button" },
    }, plainText(element.text.text));
    if (element.url) {
      button.dataset.url = element.url;
      button.addEventListener("click", () => {
        // Slack tells the app about the click (the app acks it) and opens the link.
        click(message, element.action_id, { value: element.value });
        const route = archiveRoute(element.url);
        if (route) openRoute(route);
        else window.open(element.url, "_blank", "noopener");
      });
      return button;
    }
    button.addEventListener("click", async () => {
      if (element.confirm) {
        const question = `${element.confirm.title?.text || "Are you sure?"}\n\n${element.confirm.text?.text || ""}`;
        if (!window.confirm(question)) return;
      }
      button.disabled = true;
      await click(message, element.action_id, { value: element.value, block_id: blockId });
      button.disabled = false;
    });
    return button;
  }
  if (element.type === "static_select") {
    const select = el("select", { class: "select", dataset: { actionId: element.action_id, blockId } },
      el("option", { value: "" }, element.placeholder?.text || "Choose…"),
      (element.options || []).map((o) => el("option", { value: o.value }, o.text.text)));
    if (!inModal) {
      select.addEventListener("change", () => click(message, element.action_id, { selected_option_value: select.value }));
    }
    return select;
  }
  if (element.type === "image") return el("img", { src: element.image_url, alt: element.alt_text, width: 48 });
  return el("span", { class: "context" }, `[${element.type}]`);
}

function renderBlocks(blocks, message, inModal = false, errors = {}) {
  const container = el("div", { class: "blocks" });
  for (const block of blocks || []) {
    let node;
    switch (block.type) {
      case "header":
        node = el("div", { class: "block header-block" }, plainText(block.text.text));
        break;
      case "section": {
        const body = el("div", { class: "section-body" });
        if (block.text) body.append(textObject(block.text));
        if (block.fields) body.append(el("div", { class: "fields" }, block.fields.map(textObject)));
        node = el("div", { class: "block section" }, body,
          block.accessory ? renderElement(block.accessory, message, inModal, block.block_id) : null);
        break;
      }
      case "context":
        node = el("div", { class: "block context" }, block.elements.map((e) =>
          e.type === "image" ? el("img", { src: e.image_url, alt: e.alt_text, width: 16 }) : textObject(e)));
        break;
      case "divider":
        node = el("hr", { class: "divider" });
        break;
      case "actions":
        node = el("div", { class: "block actions" }, block.elements.map((e) => renderElement(e, message, inModal, block.block_id)));
        break;
      case "input":
        node = renderInput(block, errors[block.block_id]);
        break;
      default:
        node = el("div", { class: "block context" }, `[${block.type} block]`);
    }
    container.append(node);
  }
  return container;
}

function renderInput(block, error) {
  const element = block.element || {};
  const id = `input-${block.block_id}`;
  let control;
  if (element.type === "plain_text_input") {
    control = element.multiline ? el("textarea", { id }) : el("input", { id });
    if (element.placeholder) control.placeholder = element.placeholder.text;
    if (element.initial_value) control.value = element.initial_value;
  } else if (element.type === "static_select") {
    control = el("select", { id }, el("option", { value: "" }, element.placeholder?.text || "Choose…"),
      (element.options || []).map((o) => el("option", { value: o.value }, o.text.text)));
    if (element.initial_option) control.value = element.initial_option.value;
  } else if (element.type === "multi_users_select") {
    // Slack's people picker, as a plain multiple choice of the workspace's people.
    const picked = new Set(element.initial_users || []);
    control = el("select", { id, multiple: true, size: Math.min(ui.state.users.length, 5) },
      ui.state.users.map((u) => {
        const option = el("option", { value: u.id }, displayName(u.id));
        option.selected = picked.has(u.id);
        return option;
      }));
  } else if (element.type === "conversations_select" || element.type === "channels_select") {
    // Slack's conversation picker: what the person can see that the menu's filter lets in.
    control = el("select", { id }, el("option", { value: "" }, element.placeholder?.text || "Choose a channel…"),
      conversationsOffered(element).map((c) => el("option", { value: c.id }, c.is_private ? `🔒 ${c.name}` : `# ${c.name}`)));
    const initial = element.initial_conversation || element.initial_channel;
    if (initial) control.value = initial;
  } else if (element.type === "radio_buttons") {
    control = el("div", { id }, (element.options || []).map((o) =>
      el("label", {}, el("input", { type: "radio", name: id, value: o.value }), ` ${o.text.text}`)));
  } else {
    control = el("span", {}, `[${element.type}]`);
  }
  control.dataset.blockId = block.block_id;
  control.dataset.actionId = element.action_id;
  control.dataset.kind = element.type;
  return el("div", { class: "block input-block", dataset: { testid: `input-${block.block_id}` } },
    el("label", { for: id }, block.label?.text || ""),
    control,
    block.hint ? el("div", { class: "input-hint" }, block.hint.text) : null,
    error ? el("div", { class: "input-error", dataset: { testid: "input-error" } }, error) : null);
}

// The conversations a conversations (or channels) menu offers the person, as Slack's picker
// does: every public channel, the private channels and group DMs they are in, their DM with
// the app, narrowed by the menu's filter.
function conversationsOffered(element) {
  const kinds = element.type === "channels_select" ? ["public"] : (element.filter?.include || ["public", "private", "im", "mpim"]);
  const kindOf = (c) => (c.is_im ? "im" : c.is_mpim ? "mpim" : c.is_private ? "private" : "public");
  return ui.state.channels.filter((c) => !c.is_archived && kinds.includes(kindOf(c))
    && !(c.is_im && element.filter?.exclude_bot_users)
    && (kindOf(c) === "public" || c.members.includes(ui.user))
    && (!c.is_im || c.user === ui.user));
}

// ---------------------------------------------------------------- messages
function visible(message) {
  return !message.ephemeral_for || message.ephemeral_for === ui.user;
}

function formatSize(bytes) {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(bytes < 10240 ? 1 : 0)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

function renderFile(file) {
  // The emulator serves the bytes at the file's url_private_download; the path alone keeps
  // the link working however the page was reached (localhost, another port).
  const download = file.url_private_download ? new URL(file.url_private_download).pathname : null;
  const kind = (file.filetype || "file").toUpperCase();
  return el("div", { class: "file", dataset: { testid: "file", fileId: file.id } },
    el("div", { class: "file-icon", "aria-hidden": "true" }, kind.slice(0, 4)),
    el("div", { class: "file-meta" },
      el("div", { class: "file-title" }, file.title || file.name),
      el("div", { class: "file-sub" }, [file.name, file.size !== undefined ? formatSize(file.size) : null].filter(Boolean).join(" · "))),
    download ? el("a", { class: "btn file-download", href: download, download: file.name || "", dataset: { testid: "file-download" } }, "Download") : null);
}

function renderMessage(message, { inThread = false } = {}) {
  const author = message.user || ui.state.bot.user_id;
  const isApp = author === ui.state.bot.user_id;
  const body = el("div", { class: "body" },
    el("div", { class: "meta" },
      el("span", { class: "author" }, displayName(author)),
      isApp ? el("span", { class: "app-badge" }, "APP") : null,
      el("time", { class: "time", datetime: new Date(parseFloat(message.ts) * 1000).toISOString(), title: formatFullTime(message.ts), dataset: { testid: "time" } }, formatTime(message.ts)),
      message.edited ? el("span", { class: "edited" }, "(edited)") : null),
    message.ephemeral_for ? el("div", { class: "only-you", dataset: { testid: "only-you" } }, "👁 Only visible to you") : null,
    !inThread && message.subtype === "thread_broadcast" ? el("button", {
      class: "replied-to", dataset: { testid: "replied-to" }, onclick: () => openThread(message.thread_ts),
    }, "replied to a thread") : null,
    message.blocks && message.blocks.length ? renderBlocks(message.blocks, message) : (message.text ? mrkdwn(message.text) : null),
    (message.files || []).map(renderFile));
  if (!inThread && message.reply_count) {
    body.append(el("button", {
      class: "replies-link", dataset: { testid: "replies-link" },
      onclick: () => openThread(message.ts),
    }, `${message.reply_count} ${message.reply_count === 1 ? "reply" : "replies"}`));
  }
  const classes = ["message", message.ephemeral_for ? "ephemeral" : "", message.ts === ui.highlightTs ? "highlight" : ""];
  return el("div", {
    class: classes.filter(Boolean).join(" "),
    dataset: { ts: message.ts, testid: "message" },
  }, avatar(author), body);
}

// A message of the channel itself: one with no thread, a thread's root, or a reply sent with
// "Also send to #channel" (Slack's thread_broadcast), which shows in both.
function isTopLevel(message) {
  return !message.thread_ts || message.thread_ts === message.ts || message.subtype === "thread_broadcast";
}

// Every change redraws from the state, but a message that did not change keeps its very
// node: a button someone is about to click is not swapped under the pointer, a half-made
// choice in a menu stays, and the browser keeps the scroll position anchored.
const drawn = new Map();
function reuse(id, inputs, draw) {
  const key = JSON.stringify(inputs);
  const hit = drawn.get(id);
  if (hit && hit.key === key) return hit.node;
  const node = draw();
  drawn.set(id, { key, node });
  return node;
}

function messageNode(message, options) {
  const inputs = [message, options, ui.user, message.ts === ui.highlightTs, Math.floor(ui.state.now / 60)];
  return reuse(`${options.inThread ? "thread" : "channel"}:${message.channel}:${message.ts}`, inputs,
    () => renderMessage(message, options));
}

// Put exactly `nodes` in `parent`, moving only what is out of place.
function syncChildren(parent, nodes) {
  nodes.forEach((node, index) => {
    if (parent.children[index] !== node) parent.insertBefore(node, parent.children[index] || null);
  });
  while (parent.children.length > nodes.length) parent.lastElementChild.remove();
}

function messageListNodes(messages, options) {
  const nodes = [];
  let lastDay = null;
  for (const message of messages) {
    const day = dayLabel(message.ts);
    if (day !== lastDay) {
      nodes.push(reuse(`day:${options.inThread ? "thread" : "channel"}:${day}`, [day], () =>
        el("div", { class: "day-divider", dataset: { testid: "day-divider" } }, el("span", {}, day))));
      lastDay = day;
    }
    nodes.push(messageNode(message, options));
  }
  return nodes;
}

function renderChannel() {
  const list = $("messages");
  const keepBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 80;
  if (ui.view === "home") { syncChildren(list, homeNodes()); return; }
  const channel = currentChannel();
  const messages = channel ? ui.state.messages.filter((m) => m.channel === channel.id && isTopLevel(m) && visible(m)) : [];
  const nodes = messageListNodes(messages, { inThread: false });
  if (!messages.length) {
    const hint = ui.view === "dm"
      ? "This is your direct message with Hiring Bot. Files it sends you (like /hire export) appear here."
      : "No messages yet. Try /role or /hire Senior engineer.";
    nodes.push(reuse("empty", [hint], () => el("div", { class: "empty" }, hint)));
  }
  syncChildren(list, nodes);
  if (channel) markRead(channel);
  if (keepBottom && !ui.highlightTs) list.scrollTop = list.scrollHeight;
}

function homeNodes() {
  const view = ui.state.home_views[ui.user];
  if (!view) return [reuse("home-wait", [], () => el("div", { class: "empty" }, "Opening the Home tab…"))];
  return [reuse("home", [view, ui.user], () => el("div", { class: "message home", dataset: { testid: "home" } }, el("div"),
    renderBlocks(view.blocks, { ts: null, channel: null, viewId: view.id })))];
}

function renderThread() {
  const pane = $("thread");
  const channel = currentChannel();
  if (!ui.threadTs || !channel) { pane.hidden = true; return; }
  pane.hidden = false;
  const list = $("thread-messages");
  const keepBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 80;
  const messages = ui.state.messages.filter((m) => m.channel === channel.id && visible(m) &&
    (m.ts === ui.threadTs || m.thread_ts === ui.threadTs));
  syncChildren(list, messages.map((m) => messageNode(m, { inThread: true })));
  if (keepBottom && !ui.highlightTs) list.scrollTop = list.scrollHeight;
}

function openThread(ts) {
  ui.threadTs = ts;
  ui.highlightTs = null;
  renderThread();
  $("thread-input").focus();
}

// ---------------------------------------------------------------- unread
// What each person has seen, per conversation, so the sidebar can show what is new (the
// export arrives in the DM while you are in #hiring).
function readMarks() {
  try { return JSON.parse(localStorage.getItem(`sandbox-read-${ui.user}`) || "{}"); } catch { return {}; }
}
function markRead(channel) {
  const latest = ui.state.messages.filter((m) => m.channel === channel.id && visible(m)).map((m) => m.ts).pop();
  if (!latest) return;
  const marks = readMarks();
  if (marks[channel.id] === latest) return;
  marks[channel.id] = latest;
  localStorage.setItem(`sandbox-read-${ui.user}`, JSON.stringify(marks));
}
function unreadCount(channel) {
  if (!channel) return 0;
  const seen = readMarks()[channel.id] || "0";
  return ui.state.messages.filter((m) => m.channel === channel.id && visible(m) && isTopLevel(m)
    && m.user !== ui.user && parseFloat(m.ts) > parseFloat(seen)).length;
}

// ---------------------------------------------------------------- modal
function renderModal() {
  const stack = ui.state.modals[ui.user] || [];
  const backdrop = $("modal");
  if (!stack.length) { backdrop.hidden = true; backdrop.replaceChildren(); return; }
  const view = stack[stack.length - 1];
  if (backdrop.dataset.viewId === view.id && backdrop.dataset.hash === view.hash && !backdrop.hidden) {
    // Same view: keep what the person typed, only refresh the errors.
    backdrop.querySelectorAll(".input-error").forEach((n) => n.remove());
    const errors = ui.state.view_errors[view.id] || {};
    for (const [blockId, error] of Object.entries(errors)) {
      const block = backdrop.querySelector(`[data-testid="input-${CSS.escape(blockId)}"]`);
      if (block) block.append(el("div", { class: "input-error", dataset: { testid: "input-error" } }, error));
    }
    return;
  }
  backdrop.dataset.viewId = view.id;
  backdrop.dataset.hash = view.hash;
  const form = el("form", { class: "modal", dataset: { testid: "modal-form" } },
    el("div", { class: "modal-head" }, view.title?.text || ""),
    el("div", { class: "modal-body" }, renderBlocks(view.blocks, { ts: null }, true, ui.state.view_errors[view.id] || {})),
    el("div", { class: "modal-foot" },
      el("button", { type: "button", class: "btn", dataset: { testid: "modal-close" },
        onclick: () => api("/_emulator/actions/close_view", { user: ui.user, view_id: view.id }) },
      view.close?.text || "Cancel"),
      view.submit ? el("button", { type: "submit", class: "btn primary", dataset: { testid: "modal-submit" } }, view.submit.text) : null));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const values = {};
    form.querySelectorAll("[data-block-id][data-kind]").forEach((control) => {
      let value;
      if (control.dataset.kind === "radio_buttons") value = control.querySelector("input:checked")?.value || null;
      else if (control.dataset.kind === "multi_users_select") value = [...control.selectedOptions].map((o) => o.value);
      else value = control.value || null;
      values[control.dataset.blockId] = { [control.dataset.actionId]: value };
    });
    api("/_emulator/actions/submit", { user: ui.user, view_id: view.id, values });
  });
  backdrop.replaceChildren(form);
  backdrop.hidden = false;
}

// ---------------------------------------------------------------- sidebar
function navItem(label, { active, unread, testid, onclick }) {
  return el("button", {
    class: `nav-item${active ? " active" : ""}${unread ? " unread" : ""}`,
    dataset: { testid }, onclick,
  }, el("span", { class: "nav-label" }, label), unread ? el("span", { class: "badge", dataset: { testid: `${testid}-unread` } }, String(unread)) : null);
}

function renderSidebar() {
  const switcher = $("user-switcher");
  if (!switcher.options.length) {
    for (const user of ui.state.users) {
      const role = user.is_admin ? "admin" : user.id === "U0MANAGER" ? "manager" : "teammate";
      switcher.append(el("option", { value: user.id }, `${user.real_name} (${role})`));
    }
  }
  switcher.value = ui.user;
  const nowLabel = new Date(ui.state.now * 1000).toLocaleTimeString(LOCALE, { hour: "numeric", minute: "2-digit", timeZone: myTimeZone() });
  $("user-tz").textContent = `${nowLabel} local time · ${myTimeZone().replace(/_/g, " ")}`;
  $("channel-list").replaceChildren(...ui.state.channels.filter((c) => !c.is_im).map((c) => navItem(`# ${c.name}`, {
    active: ui.view === c.id, unread: ui.view === c.id ? 0 : unreadCount(c), testid: `channel-${c.name}`,
    onclick: () => switchView(c.id),
  })));
  $("dm-list").replaceChildren(navItem("Hiring Bot", {
    active: ui.view === "dm", unread: ui.view === "dm" ? 0 : unreadCount(dmChannel()), testid: "dm-bot",
    onclick: () => switchView("dm"),
  }));
  $("nav-home").classList.toggle("active", ui.view === "home");
  $("workspace-name").textContent = ui.state.team.name;
  const offset = ui.state.clock_offset_seconds;
  const now = new Date(ui.state.now * 1000).toLocaleString(LOCALE, { weekday: "short", day: "numeric", month: "short", hour: "numeric", minute: "2-digit", timeZone: myTimeZone() });
  $("clock-now").textContent = offset ? `${now} (+${formatOffset(offset)})` : now;
  const channel = currentChannel();
  const title = ui.view === "home" ? "🏠 Hiring Bot" : ui.view === "dm" ? "Hiring Bot" : `# ${channel ? channel.name : ""}`;
  $("view-title").textContent = title;
  $("view-note").textContent = ui.view === "home" ? "App Home" : ui.view === "dm" ? "Messages · only you and the bot"
    : (channel && !channel.members.includes(ui.state.bot.user_id) ? "the bot is not in this channel yet" : "");
  // With the app's Messages tab off (or read-only), Slack shows a sentence where its DM's text
  // box was: nobody can type there, commands included.
  const dmClosed = ui.view === "dm" && !ui.state.app.messages_tab_open;
  $("composer").hidden = ui.view === "home" || dmClosed;
  $("messages-off").hidden = !dmClosed;
  $("thread-composer").hidden = dmClosed;
  $("thread-messages-off").hidden = !dmClosed;
  $("thread-broadcast-label").textContent = ui.view === "dm" ? "Also send as direct message"
    : `Also send to # ${channel ? channel.name : ""}`;
  $("composer-input").placeholder = ui.view === "dm" ? "Message Hiring Bot — try /hire export"
    : channel ? `Message #${channel.name} — try /hire Senior engineer` : "";
}

function formatOffset(seconds) {
  const days = Math.floor(seconds / 86400);
  const hours = Math.round((seconds % 86400) / 3600);
  return [days ? `${days} d` : "", hours ? `${hours} h` : ""].filter(Boolean).join(" ") || "0 h";
}

function switchView(view) {
  ui.view = view;
  ui.threadTs = null;
  ui.highlightTs = null;
  localStorage.setItem("sandbox-view", view);
  if (location.pathname !== "/") history.pushState(null, "", "/");
  $("sidebar").classList.remove("open");
  if (view === "home") api("/_emulator/actions/open_home", { user: ui.user });
  render();
}

function render() {
  if (!ui.state) return;
  renderSidebar();
  renderChannel();
  renderThread();
  renderModal();
}

// ---------------------------------------------------------------- actions
// Acting on the page ends "look at this message": new replies scroll into view again.
function stopHighlighting() {
  if (!ui.highlightTs) return;
  ui.highlightTs = null;
  render();
}

async function click(message, actionId, extra) {
  stopHighlighting();
  const body = { user: ui.user, action_id: actionId, ...extra };
  if (message.viewId) {
    // Action ids are unique within a block only: the block says which button it was.
    await api("/_emulator/actions/click_view", { user: ui.user, view_id: message.viewId, action_id: actionId, block_id: extra?.block_id });
    return;
  }
  body.message_ts = message.ts;
  body.channel = message.channel;
  await api("/_emulator/actions/click", body);
}

// Where a message or command typed here goes: the channel, or the DM (a user id makes the
// emulator open the DM the first time, as Slack does).
function composeTarget() {
  if (ui.view === "dm") return dmChannel()?.id || ui.user;
  return ui.view;
}

async function send(text, threadTs, broadcast = false) {
  if (!text.trim()) return;
  stopHighlighting();
  // Slack runs a command only when "/" is the very first character; " /hire" is a message.
  if (text.startsWith("/") && !threadTs) {
    const trimmed = text.trim();
    const space = trimmed.search(/\s/);
    const command = space === -1 ? trimmed : trimmed.slice(0, space);
    const rest = space === -1 ? "" : trimmed.slice(space + 1).trim();
    await api("/_emulator/actions/command", { user: ui.user, channel: composeTarget(), command, text: rest });
  } else {
    await api("/_emulator/actions/message", { user: ui.user, channel: composeTarget(), text: text.trim(), thread_ts: threadTs || undefined, broadcast: broadcast || undefined });
  }
}

function updateHints() {
  const input = $("composer-input");
  const hints = $("hints");
  const value = input.value;
  if (!value.startsWith("/") || value.includes("  ")) { hints.hidden = true; return; }
  const matches = COMMANDS.filter(([command]) => command.startsWith(value.split(" ")[0]) && command.startsWith(value.slice(0, Math.min(value.length, command.length))));
  if (!matches.length || (matches.length === 1 && matches[0][0] === value)) { hints.hidden = true; return; }
  hints.replaceChildren(...matches.map(([command, description], index) => el("button", {
    type: "button", class: `hint${index === ui.hintIndex ? " active" : ""}`, dataset: { testid: "hint" },
    onclick: () => { input.value = command.includes("Senior") || command.endsWith(" 1") ? command : `${command} `; hints.hidden = true; input.focus(); },
  }, el("strong", {}, command), el("span", { class: "desc" }, description))));
  hints.hidden = false;
}

function routeFromLocation() {
  return ARCHIVE_PATH.test(location.pathname) ? archiveRoute(location.href) : null;
}

async function poll() {
  for (;;) {
    try {
      const state = await (await fetch("/_emulator/state")).json();
      ui.state = state;
      ui.seq = state.seq;
      if (!userById(ui.user)) ui.user = ui.state.users[0].id;
      if (!["home", "dm"].includes(ui.view) && !channelById(ui.view)) ui.view = "C0HIRING";
      render();
      if (ui.pendingRoute) {
        const route = ui.pendingRoute;
        ui.pendingRoute = null;
        openRoute(route, { push: false });
      }
      await fetch(`/_emulator/wait?since=${ui.seq}&timeout=25`);
    } catch (error) {
      // The sandbox is restarting (or stopped): keep the page, try again shortly.
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}

function init() {
  $("user-switcher").addEventListener("change", (event) => {
    ui.user = event.target.value;
    localStorage.setItem("sandbox-user", ui.user);
    if (ui.view === "home") api("/_emulator/actions/open_home", { user: ui.user });
    render();
  });
  $("nav-home").addEventListener("click", () => switchView("home"));
  $("menu").addEventListener("click", () => $("sidebar").classList.toggle("open"));
  $("thread-close").addEventListener("click", () => { ui.threadTs = null; ui.highlightTs = null; renderThread(); });
  $("post-digest").addEventListener("click", () => {
    const channel = ["home", "dm"].includes(ui.view) ? "C0HIRING" : ui.view;
    api("/_emulator/actions/command", { user: ui.user, channel, command: "/hire", text: "digest now" });
  });
  document.querySelectorAll("[data-seconds]").forEach((button) => button.addEventListener("click", () =>
    api("/_emulator/clock/advance", { seconds: Number(button.dataset.seconds) })));
  $("composer").addEventListener("submit", (event) => {
    event.preventDefault();
    const input = $("composer-input");
    const text = input.value;
    input.value = "";
    $("hints").hidden = true;
    send(text, null);
  });
  $("composer-input").addEventListener("input", updateHints);
  $("thread-composer").addEventListener("submit", (event) => {
    event.preventDefault();
    const input = $("thread-input");
    const broadcast = $("thread-broadcast");
    const text = input.value;
    input.value = "";
    send(text, ui.threadTs, broadcast.checked);
    broadcast.checked = false;
  });
  window.addEventListener("popstate", () => {
    const route = routeFromLocation();
    if (route && ui.state) openRoute(route, { push: false });
  });
  ui.pendingRoute = routeFromLocation();
  poll();
}

init();
