// A small Slack client for the emulator. Everything a person does goes to the emulator's
// /_emulator/actions/* endpoints, which sign it like Slack and send it to the real bot.
// Message text is never inserted as HTML: every node is built with textContent.
"use strict";

const COMMANDS = [
  ["/role", "list the roles"],
  ["/role product engineer", "a role card"],
  ["/role compare product engineer vs software engineer", "side by side"],
  ["/role fit", "is product engineering right for you?"],
  ["/hire Senior engineer, checkout team", "start a hiring decision"],
  ["/hire list", "recent conversations and decisions"],
  ["/hire show 1", "one decision in full"],
  ["/hire digest", "preview this week's digest"],
  ["/hire digest now", "post the digest now"],
  ["/hire help", "how /hire works"],
];
const AVATAR_COLOURS = ["#e8912d", "#2eb67d", "#36c5f0", "#ecb22e", "#e01e5a", "#4a154b"];

const ui = {
  state: null,
  seq: 0,
  user: localStorage.getItem("sandbox-user") || "U0MANAGER",
  view: localStorage.getItem("sandbox-view") || "C0HIRING",
  threadTs: null,
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
function displayName(id) {
  if (id === ui.state.bot.user_id) return "Hiring Bot";
  const user = userById(id);
  return user ? user.real_name : id;
}
function avatar(id) {
  const isBot = id === ui.state.bot.user_id;
  const name = displayName(id);
  const colour = isBot ? "#4a154b" : AVATAR_COLOURS[[...id].reduce((a, c) => a + c.charCodeAt(0), 0) % AVATAR_COLOURS.length];
  return el("div", { class: "avatar", style: `background:${colour}`, "aria-hidden": "true" }, isBot ? "H" : name[0]);
}
function formatTime(ts) {
  return new Date(parseFloat(ts) * 1000).toLocaleString([], { weekday: "short", hour: "2-digit", minute: "2-digit" });
}

// ---------------------------------------------------------------- mrkdwn
function decodeEntities(text) {
  return text.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
}

function renderAngle(inner) {
  // <@U…>, <#C…|name>, <!here>, <url|label>
  if (inner.startsWith("@")) {
    const id = inner.slice(1).split("|")[0];
    return el("span", { class: "mention" }, `@${displayName(id)}`);
  }
  if (inner.startsWith("#")) {
    const [id, label] = inner.slice(1).split("|");
    const channel = channelById(id);
    return el("span", { class: "mention" }, `#${label || (channel ? channel.name : id)}`);
  }
  if (inner.startsWith("!")) {
    const word = inner.slice(1).split("|")[0].split("^")[0];
    return el("span", { class: "special-mention" }, `@${word}`);
  }
  const [url, label] = inner.split("|");
  if (/^(https?:|mailto:)/.test(url)) {
    return el("a", { href: url, target: "_blank", rel: "noopener noreferrer" }, decodeEntities(label || url));
  }
  return document.createTextNode(decodeEntities(`<${inner}>`));
}

const EMOJI = {
  compass: "🧭", rocket: "🚀", gear: "⚙️", chart_with_upwards_trend: "📈", handshake: "🤝",
  double_vertical_bar: "⏸️", hourglass_flowing_sand: "⏳", ballot_box_with_ballot: "🗳️",
  white_check_mark: "✅", x: "❌", thread: "🧵", thinking_face: "🤔", warning: "⚠️",
  hourglass: "⌛", lock: "🔒", information_source: "ℹ️", memo: "📝", wave: "👋",
  leftwards_arrow_with_hook: "↩️", mailbox: "📬", calendar: "📅", tada: "🎉", bar_chart: "📊",
  zzz: "💤", inbox_tray: "📥", busts_in_silhouette: "👥", pushpin: "📌",
};

const INLINE = /(:[a-z0-9_+-]+:)|(<[^<>\s][^<>]*>)|(`[^`\n]+`)|(\*[^*\n]+\*)|(_[^_\n]+_)|(~[^~\n]+~)/g;

function renderInline(text, parent) {
  let last = 0;
  for (const match of text.matchAll(INLINE)) {
    if (match.index > last) parent.append(decodeEntities(text.slice(last, match.index)));
    const token = match[0];
    if (match[1]) parent.append(EMOJI[token.slice(1, -1)] || token);
    else if (match[2]) parent.append(renderAngle(token.slice(1, -1)));
    else if (match[3]) parent.append(el("code", {}, decodeEntities(token.slice(1, -1))));
    else {
      const tag = match[4] ? "strong" : match[5] ? "em" : "s";
      const node = el(tag);
      renderInline(token.slice(1, -1), node);
      parent.append(node);
    }
    last = match.index + token.length;
  }
  if (last < text.length) parent.append(decodeEntities(text.slice(last)));
}

function mrkdwn(text) {
  const root = el("div", { class: "mrkdwn" });
  const parts = String(text || "").split("```");
  parts.forEach((part, index) => {
    if (index % 2 === 1) { root.append(el("pre", {}, decodeEntities(part))); return; }
    const lines = part.split("\n");
    lines.forEach((line, lineIndex) => {
      if (line.startsWith(">") || line.startsWith("&gt;")) {
        const quote = el("blockquote");
        renderInline(line.replace(/^(>|&gt;)\s?/, ""), quote);
        root.append(quote);
      } else {
        renderInline(line, root);
        if (lineIndex < lines.length - 1) root.append("\n");
      }
    });
  });
  return root;
}

function plainText(text) {
  return String(text || "").replace(/:([a-z0-9_+-]+):/g, (whole, name) => EMOJI[name] || whole);
}

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
      button.addEventListener("click", () => window.open(element.url, "_blank", "noopener"));
      return button;
    }
    button.addEventListener("click", async () => {
      if (element.confirm) {
        const question = `${element.confirm.title?.text || "Are you sure?"}\n\n${element.confirm.text?.text || ""}`;
        if (!window.confirm(question)) return;
      }
      button.disabled = true;
      await click(message, element.action_id, { value: element.value });
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

// ---------------------------------------------------------------- messages
function visible(message) {
  return !message.ephemeral_for || message.ephemeral_for === ui.user;
}

function renderMessage(message, { inThread = false } = {}) {
  const author = message.user || ui.state.bot.user_id;
  const isBot = author === ui.state.bot.user_id;
  const body = el("div", { class: "body" },
    el("div", { class: "meta" },
      el("span", { class: "author" }, displayName(author)),
      isBot ? el("span", { class: "app-badge" }, "APP") : null,
      el("span", { class: "time" }, formatTime(message.ts)),
      message.edited ? el("span", { class: "edited" }, "(edited)") : null),
    message.ephemeral_for ? el("div", { class: "only-you", dataset: { testid: "only-you" } }, "👁 Only visible to you") : null,
    message.blocks && message.blocks.length ? renderBlocks(message.blocks, message) : mrkdwn(message.text),
    (message.files || []).map((f) => el("div", { class: "file" }, `📄 ${f.title || f.name}`)));
  if (!inThread && message.reply_count) {
    body.append(el("button", {
      class: "replies-link", dataset: { testid: "replies-link" },
      onclick: () => openThread(message.ts),
    }, `${message.reply_count} ${message.reply_count === 1 ? "reply" : "replies"}`));
  }
  return el("div", {
    class: `message${message.ephemeral_for ? " ephemeral" : ""}`,
    dataset: { ts: message.ts, testid: "message" },
  }, avatar(author), body);
}

function isTopLevel(message) {
  return !message.thread_ts || message.thread_ts === message.ts;
}

function renderChannel() {
  const list = $("messages");
  const keepBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 80;
  list.replaceChildren();
  if (ui.view === "home") return renderHome(list);
  const messages = ui.state.messages.filter((m) => m.channel === ui.view && isTopLevel(m) && visible(m));
  if (!messages.length) list.append(el("div", { class: "empty" }, "No messages yet. Try /role or /hire Senior engineer."));
  messages.forEach((m) => list.append(renderMessage(m)));
  if (keepBottom) list.scrollTop = list.scrollHeight;
}

function renderHome(list) {
  const view = ui.state.home_views[ui.user];
  if (!view) {
    list.append(el("div", { class: "empty" }, "Opening the Home tab…"));
    return;
  }
  list.append(el("div", { class: "message home", dataset: { testid: "home" } }, el("div"),
    renderBlocks(view.blocks, { ts: null, channel: null, viewId: view.id })));
}

function renderThread() {
  const pane = $("thread");
  if (!ui.threadTs) { pane.hidden = true; return; }
  pane.hidden = false;
  const list = $("thread-messages");
  const keepBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 80;
  list.replaceChildren();
  const messages = ui.state.messages.filter((m) => m.channel === ui.view && visible(m) &&
    (m.ts === ui.threadTs || m.thread_ts === ui.threadTs));
  messages.forEach((m) => list.append(renderMessage(m, { inThread: true })));
  if (keepBottom) list.scrollTop = list.scrollHeight;
}

function openThread(ts) {
  ui.threadTs = ts;
  renderThread();
  $("thread-input").focus();
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
      else value = control.value || null;
      values[control.dataset.blockId] = { [control.dataset.actionId]: value };
    });
    api("/_emulator/actions/submit", { user: ui.user, view_id: view.id, values });
  });
  backdrop.replaceChildren(form);
  backdrop.hidden = false;
}

// ---------------------------------------------------------------- sidebar
function renderSidebar() {
  const switcher = $("user-switcher");
  if (!switcher.options.length) {
    for (const user of ui.state.users) {
      const role = user.is_admin ? "admin" : user.id === "U0MANAGER" ? "manager" : "teammate";
      switcher.append(el("option", { value: user.id }, `${user.real_name} (${role})`));
    }
  }
  switcher.value = ui.user;
  const list = $("channel-list");
  list.replaceChildren(...ui.state.channels.filter((c) => !c.is_im).map((c) => el("button", {
    class: `nav-item${ui.view === c.id ? " active" : ""}`,
    dataset: { testid: `channel-${c.name}` },
    onclick: () => switchView(c.id),
  }, `# ${c.name}`)));
  $("nav-home").classList.toggle("active", ui.view === "home");
  $("workspace-name").textContent = ui.state.team.name;
  const offset = ui.state.clock_offset_seconds;
  const now = new Date(ui.state.now * 1000).toLocaleString([], { weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" });
  $("clock-now").textContent = offset ? `${now} (+${formatOffset(offset)})` : now;
  const channel = channelById(ui.view);
  $("view-title").textContent = ui.view === "home" ? "🏠 Hiring Bot" : `# ${channel ? channel.name : ""}`;
  $("view-note").textContent = ui.view === "home" ? "App Home" : (channel && !channel.members.includes(ui.state.bot.user_id) ? "the bot is not in this channel yet" : "");
  $("composer").hidden = ui.view === "home";
  $("composer-input").placeholder = channel ? `Message #${channel.name} — try /hire Senior engineer` : "";
}

function formatOffset(seconds) {
  const days = Math.floor(seconds / 86400);
  const hours = Math.round((seconds % 86400) / 3600);
  return [days ? `${days} d` : "", hours ? `${hours} h` : ""].filter(Boolean).join(" ") || "0 h";
}

function switchView(view) {
  ui.view = view;
  ui.threadTs = null;
  localStorage.setItem("sandbox-view", view);
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
async function click(message, actionId, extra) {
  const body = { user: ui.user, action_id: actionId, ...extra };
  if (message.viewId) {
    await api("/_emulator/actions/click_view", { user: ui.user, view_id: message.viewId, action_id: actionId });
    return;
  }
  body.message_ts = message.ts;
  body.channel = message.channel;
  await api("/_emulator/actions/click", body);
}

async function send(text, threadTs) {
  const trimmed = text.trim();
  if (!trimmed) return;
  if (trimmed.startsWith("/") && !threadTs) {
    const space = trimmed.indexOf(" ");
    const command = space === -1 ? trimmed : trimmed.slice(0, space);
    const rest = space === -1 ? "" : trimmed.slice(space + 1);
    await api("/_emulator/actions/command", { user: ui.user, channel: ui.view, command, text: rest });
  } else {
    await api("/_emulator/actions/message", { user: ui.user, channel: ui.view, text: trimmed, thread_ts: threadTs || undefined });
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

async function poll() {
  for (;;) {
    try {
      const state = await (await fetch("/_emulator/state")).json();
      ui.state = state;
      ui.seq = state.seq;
      if (!channelById(ui.view) && ui.view !== "home") ui.view = "C0HIRING";
      render();
      await fetch(`/_emulator/wait?since=${ui.seq}&timeout=25`);
    } catch (error) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
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
  $("thread-close").addEventListener("click", () => { ui.threadTs = null; renderThread(); });
  $("post-digest").addEventListener("click", () => {
    const channel = ui.view === "home" ? "C0HIRING" : ui.view;
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
    const text = input.value;
    input.value = "";
    send(text, ui.threadTs);
  });
  poll();
}

init();
