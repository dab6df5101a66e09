/// The single self-contained chat page served at `GET /`: inline CSS and JavaScript, no
/// external resources, so it works offline and the strict ``contentSecurityPolicy`` holds.
///
/// The page acts as one person at a time, picked from `GET /local/participants`, and speaks
/// the webhook chat protocol exactly as the bot does: it long-polls `GET /updates` with that
/// person's token and posts with `POST /messages` (one idempotency key per message, reused
/// when retrying after a network error). `updates` leaves out the caller's own messages, so
/// a post is shown as soon as the endpoint accepts it.
///
/// Message text is rendered safely: all HTML is escaped first, then a small Markdown subset
/// is applied to the escaped text (`**bold**`, `` `code` ``, `- ` list items,
/// `[title](https://…)` links with http/https only, `@name` mentions). Names, times and
/// channel labels are set with `textContent`, never as HTML.
enum ChatPage {
    /// Only inline script and style, and requests to this origin; no frames, forms or plugins.
    static let contentSecurityPolicy =
        "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; "
        + "img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

    static let html = #"""
<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Tandem — local chat</title>
<style>
:root {
  --bg: #f5f6f8; --panel: #ffffff; --text: #1d2330; --muted: #667085; --line: #e3e6ec;
  --accent: #2f6fde; --accent-soft: #e8f0fd; --own: #f0f7f1; --bot: #f7f4fd; --warn: #b54708; --bad: #b42318;
  --ok: #067647; --code: #f1f3f6; --mention: #fff2cc; --mention-me: #ffd98a;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  color: var(--text); background: var(--bg);
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #14171d; --panel: #1c2028; --text: #e6e8ec; --muted: #98a2b3; --line: #2c323d;
    --accent: #6ea2ff; --accent-soft: #22304a; --own: #1d2a22; --bot: #251f33; --code: #2a303b;
    --mention: #4a3b12; --mention-me: #6b4f0e; --warn: #f79009; --bad: #f97066; --ok: #47cd89;
  }
}
* { box-sizing: border-box; }
body { margin: 0; min-height: 100vh; display: flex; flex-direction: column; }
header.top {
  display: flex; align-items: center; justify-content: space-between; gap: 1rem;
  padding: .75rem 1.25rem; background: var(--panel); border-bottom: 1px solid var(--line);
}
.brand { display: flex; align-items: center; gap: .6rem; }
.logo {
  width: 2rem; height: 2rem; border-radius: .5rem; background: var(--accent); color: #fff;
  display: grid; place-items: center; font-weight: 700;
}
h1 { font-size: 1.15rem; margin: 0; }
.status { font-size: .85rem; color: var(--muted); white-space: nowrap; }
.status::before { content: "●"; margin-right: .35rem; }
.status.ok::before { color: var(--ok); }
.status.warn::before { color: var(--warn); }
.status.bad::before { color: var(--bad); }
.notice {
  margin: 0; padding: .6rem 1.25rem; font-size: .88rem; line-height: 1.4;
  background: var(--accent-soft); border-bottom: 1px solid var(--line);
}
.layout { flex: 1; display: grid; grid-template-columns: 260px 1fr; min-height: 0; }
aside {
  background: var(--panel); border-right: 1px solid var(--line); padding: 1rem;
  display: flex; flex-direction: column; gap: .5rem; overflow-y: auto;
}
aside label, aside h2 {
  font-size: .75rem; text-transform: uppercase; letter-spacing: .06em; color: var(--muted); margin: .5rem 0 0;
}
select, textarea, button { font: inherit; color: inherit; }
select {
  width: 100%; padding: .45rem .5rem; border: 1px solid var(--line); border-radius: .4rem; background: var(--panel);
}
.role { margin: 0; font-size: .85rem; color: var(--muted); }
nav { display: flex; flex-direction: column; gap: .15rem; }
nav button {
  display: flex; justify-content: space-between; align-items: center; gap: .5rem; width: 100%;
  text-align: left; padding: .4rem .6rem; border: 0; border-radius: .4rem; background: transparent; cursor: pointer;
}
nav button:hover { background: var(--accent-soft); }
nav button.active { background: var(--accent); color: #fff; }
.badge {
  min-width: 1.3rem; padding: 0 .35rem; border-radius: 1rem; background: var(--bad); color: #fff;
  font-size: .75rem; text-align: center;
}
main { display: flex; flex-direction: column; min-height: 0; min-width: 0; }
.chat-head {
  display: flex; align-items: baseline; gap: .6rem; padding: .8rem 1.25rem;
  border-bottom: 1px solid var(--line); background: var(--panel);
}
.chat-head h2 { font-size: 1.05rem; margin: 0; }
.chat-head span { color: var(--muted); font-size: .85rem; }
.messages { flex: 1; list-style: none; margin: 0; padding: 1rem 1.25rem; overflow-y: auto; min-height: 12rem; }
.empty { color: var(--muted); text-align: center; padding: 2rem 1rem; }
.msg { display: flex; gap: .7rem; padding: .55rem .7rem; border-radius: .6rem; margin-bottom: .35rem; }
.msg.own { background: var(--own); }
.msg.bot { background: var(--bot); }
.avatar {
  flex: none; width: 2.1rem; height: 2.1rem; border-radius: 50%; color: #fff;
  display: grid; place-items: center; font-weight: 600; font-size: .9rem;
}
.msg-main { min-width: 0; flex: 1; }
.meta { display: flex; flex-wrap: wrap; align-items: baseline; gap: .5rem; font-size: .8rem; color: var(--muted); }
.meta .name { font-weight: 650; font-size: .92rem; color: var(--text); }
.body { line-height: 1.45; overflow-wrap: anywhere; }
.body p { margin: .15rem 0; }
.body ul { margin: .2rem 0; padding-left: 1.3rem; }
.body code { background: var(--code); padding: .05rem .3rem; border-radius: .25rem; font-size: .88em; }
.body a { color: var(--accent); }
.mention { background: var(--mention); border-radius: .25rem; padding: 0 .15rem; font-weight: 600; }
.mention.me { background: var(--mention-me); }
form { border-top: 1px solid var(--line); background: var(--panel); padding: .7rem 1.25rem 1rem; }
.quick { display: flex; flex-wrap: wrap; align-items: center; gap: .5rem; margin-bottom: .5rem; font-size: .85rem; }
.hint { color: var(--muted); }
.quick button {
  border: 1px solid var(--line); background: var(--panel); border-radius: 1rem; padding: .2rem .7rem; cursor: pointer;
}
.quick button:hover { border-color: var(--accent); color: var(--accent); }
.row { display: flex; gap: .5rem; align-items: flex-end; }
textarea {
  flex: 1; resize: none; min-height: 2.6rem; max-height: 10rem; padding: .6rem .7rem;
  border: 1px solid var(--line); border-radius: .5rem; background: var(--bg);
}
textarea:focus, select:focus { outline: 2px solid var(--accent); outline-offset: 1px; }
button.send {
  border: 0; border-radius: .5rem; background: var(--accent); color: #fff; padding: .6rem 1.1rem; font-weight: 600; cursor: pointer;
}
button:disabled { opacity: .55; cursor: default; }
.error { color: var(--bad); font-size: .85rem; margin: .4rem 0 0; min-height: 1em; }
@media (max-width: 720px) {
  .layout { grid-template-columns: 1fr; }
  aside { border-right: 0; border-bottom: 1px solid var(--line); }
  nav { flex-direction: row; overflow-x: auto; }
  nav button { width: auto; white-space: nowrap; }
  header.top, .notice, .chat-head, .messages, form { padding-left: .8rem; padding-right: .8rem; }
}
</style>
</head>
<body>
<header class="top">
  <div class="brand"><span class="logo" aria-hidden="true">T</span><h1>Tandem — local chat</h1></div>
  <span id="status" class="status">starting…</span>
</header>
<p class="notice" role="note">
  <strong>Local trial endpoint.</strong> This chat is served by Tandem itself on the loopback address
  <code id="origin"></code>, for trying the bot. Messages live in memory only and are gone after a restart.
  With the sample's trial tokens, anyone using a browser on this machine can act as any member; with real tokens
  in the config, each person signs in with their own. Real teams connect Tandem to their own chat server.
</p>
<div class="layout">
  <aside>
    <label for="who">You are</label>
    <select id="who" disabled></select>
    <form id="sign-in" hidden>
      <label for="token">Your token</label>
      <input id="token" type="password" autocomplete="off" required>
      <button type="submit">Sign in</button>
    </form>
    <p class="role" id="role"></p>
    <p class="error" id="admin-warning" hidden>You are acting as an admin: what you send here can change the
      team's setup for everyone.</p>
    <h2>Channels</h2>
    <nav id="channels" aria-label="Channels"></nav>
  </aside>
  <main>
    <div class="chat-head"><h2 id="channel-title">…</h2><span id="channel-kind"></span></div>
    <ol id="messages" class="messages" aria-live="polite"></ol>
    <form id="composer" autocomplete="off">
      <div class="quick">
        <span class="hint">Try: <code id="hint">@tandem campaign spring</code></span>
        <button type="button" id="quick-help">@tandem help</button>
        <button type="button" id="quick-try">@tandem campaign spring</button>
      </div>
      <div class="row">
        <textarea id="text" rows="1" placeholder="Write a message" aria-label="Message"></textarea>
        <button type="submit" class="send" id="send">Send</button>
      </div>
      <p id="error" class="error" role="alert"></p>
    </form>
  </main>
</div>
<script>
'use strict';
const $ = (id) => document.getElementById(id);
const state = {
  people: [], bot: null, defaultChannel: null, me: null,
  channels: [], current: null, cursor: null,
  byChannel: new Map(), seen: new Set(), unread: new Map(),
  generation: 0, abort: null, pending: null, sending: false,
};

// ---- Safe rendering: escape everything first, then apply the Markdown subset. ----
function escapeHTML(text) {
  return String(text).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
}
function isMyName(name) {
  const me = state.me;
  if (!me) return false;
  const n = name.toLowerCase();
  return n === me.id.toLowerCase() || n === me.name.toLowerCase().replace(/\s+/g, '');
}
// `escaped` is already HTML-escaped. Code spans and links are parked in slots so that
// bold and mentions never reach inside them.
function renderInline(escaped) {
  const slots = [];
  const park = (html) => '\u0000' + (slots.push(html) - 1) + '\u0000';
  let s = escaped.replace(/`([^`\u0000]+)`/g, (_, code) => park('<code>' + code + '</code>'));
  // Markdown's backslash escapes (the bot escapes what users typed): the character itself, never markup.
  s = s.replace(/\\(&(?:lt|gt|amp|quot|#39);|[!-\/:-@\[-`{-~])/g, (_, ch) => park(ch));
  s = s.replace(/\[([^\]]+)\]\((https?:\/\/[^\s)\u0000]+)\)/g,
    (_, title, url) => park('<a href="' + url + '" target="_blank" rel="noopener noreferrer">' + title + '</a>'));
  s = s.replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>');
  s = s.replace(/(^|[^\w@\u0000])@([\w.-]*\w)/g,
    (_, before, name) => before + '<span class="mention' + (isMyName(name) ? ' me' : '') + '">@' + name + '</span>');
  // A link title may hold a parked code span: unpark until no slot is left (slots only nest inward).
  while (/\u0000\d+\u0000/.test(s)) s = s.replace(/\u0000(\d+)\u0000/g, (_, i) => slots[Number(i)]);
  return s;
}
function renderMarkdown(text) {
  const lines = escapeHTML(String(text).replace(/\u0000/g, '')).split('\n');
  const out = [];
  let para = [], list = [];
  const flushPara = () => { if (para.length) { out.push('<p>' + para.join('<br>') + '</p>'); para = []; } };
  const flushList = () => { if (list.length) { out.push('<ul>' + list.map((i) => '<li>' + i + '</li>').join('') + '</ul>'); list = []; } };
  for (const line of lines) {
    const item = /^- (.*)$/.exec(line);
    if (item) { flushPara(); list.push(renderInline(item[1])); continue; }
    flushList();
    if (line.trim() === '') { flushPara(); continue; }
    para.push(renderInline(line));
  }
  flushPara(); flushList();
  return out.join('');
}

// ---- Small helpers ----
function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}
function auth() { return { 'Authorization': 'Bearer ' + state.me.token }; }
function wait(ms) { return new Promise((resolve) => setTimeout(resolve, ms)); }
function setStatus(text, kind) { const s = $('status'); s.textContent = text; s.className = 'status ' + (kind || ''); }
function showError(text) { $('error').textContent = text || ''; }
function newKey() {
  if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
function hue(text) { let h = 0; for (const c of text) h = (h * 31 + c.codePointAt(0)) % 360; return h; }
function channel(id) { return state.channels.find((c) => c.id === id); }
function channelLabel(id) {
  const c = channel(id);
  if (!c) return '#' + id;
  return c.kind === 'direct' ? 'DM with ' + c.name : '#' + c.name;
}
function formatTime(ts) {
  const d = new Date(ts);
  if (isNaN(d)) return ts;
  const time = d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  return d.toDateString() === new Date().toDateString() ? time : d.toLocaleDateString() + ' ' + time;
}
function mention() {
  const name = state.bot ? state.bot.name.toLowerCase().replace(/\s+/g, '') : 'tandem';
  return '@' + (name || 'tandem');
}

// ---- Messages ----
function messageElement(m) {
  const isBot = state.bot && m.user.id === state.bot.id;
  const own = state.me && m.user.id === state.me.id;
  const li = el('li', 'msg' + (own ? ' own' : '') + (isBot ? ' bot' : ''));
  const avatar = el('div', 'avatar', (m.user.name || '?').trim().charAt(0).toUpperCase() || '?');
  avatar.style.background = 'hsl(' + hue(m.user.id) + ', 55%, 45%)';
  avatar.setAttribute('aria-hidden', 'true');
  const main = el('div', 'msg-main');
  const meta = el('div', 'meta');
  meta.append(el('span', 'name', m.user.name));
  const time = el('time', 'time', formatTime(m.ts));
  time.dateTime = m.ts;
  time.title = new Date(m.ts).toLocaleString();
  meta.append(time, el('span', 'chan', channelLabel(m.channel)));
  if (m.thread) meta.append(el('span', 'thread', '↪ reply to message ' + m.thread));
  const body = el('div', 'body');
  body.innerHTML = renderMarkdown(m.text); // escaped first, see renderMarkdown
  main.append(meta, body);
  li.append(avatar, main);
  return li;
}
function addMessage(m) {
  if (state.seen.has(m.id)) return;
  state.seen.add(m.id);
  const list = state.byChannel.get(m.channel) || [];
  state.byChannel.set(m.channel, list);
  const inOrder = list.length === 0 || Number(list[list.length - 1].id) < Number(m.id);
  list.push(m);
  if (!inOrder) list.sort((a, b) => Number(a.id) - Number(b.id));
  if (m.channel !== state.current) {
    state.unread.set(m.channel, (state.unread.get(m.channel) || 0) + 1);
    renderChannels();
    return;
  }
  if (!inOrder) { renderMessages(); return; }
  const box = $('messages');
  const nearBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 80;
  box.querySelector('.empty')?.remove();
  box.append(messageElement(m));
  if (nearBottom || m.user.id === state.me.id) box.scrollTop = box.scrollHeight;
}
function renderMessages() {
  const box = $('messages');
  box.replaceChildren();
  const list = state.byChannel.get(state.current) || [];
  if (list.length === 0) {
    const empty = el('li', 'empty', 'No messages here yet. Try: ');
    empty.append(el('code', '', mention() + ' campaign spring'));
    box.append(empty);
  }
  for (const m of list) box.append(messageElement(m));
  box.scrollTop = box.scrollHeight;
}
function renderChannels() {
  const nav = $('channels');
  nav.replaceChildren();
  for (const c of state.channels) {
    const button = el('button', c.id === state.current ? 'active' : '');
    button.type = 'button';
    button.append(el('span', '', c.kind === 'direct' ? '✉ ' + c.name : '# ' + c.name));
    const unread = state.unread.get(c.id);
    if (unread) button.append(el('span', 'badge', String(unread)));
    button.addEventListener('click', () => selectChannel(c.id));
    nav.append(button);
  }
}
function selectChannel(id) {
  state.current = id;
  state.unread.delete(id);
  const c = channel(id);
  $('channel-title').textContent = channelLabel(id);
  $('channel-kind').textContent = c && c.kind === 'direct' ? 'only you and ' + c.name + ' see this' : 'everyone sees this channel';
  $('text').placeholder = 'Message ' + channelLabel(id) + ' (Enter to send, Shift+Enter for a new line)';
  renderChannels();
  renderMessages();
  $('text').focus();
}

// ---- Protocol: long poll and post ----
async function pollLoop(gen) {
  let failures = 0;
  while (gen === state.generation) {
    // include_own: the history shows what I wrote too; ids de-duplicate my own posts.
    const params = new URLSearchParams({ timeout: '25', include_own: '1' });
    if (state.cursor !== null) params.set('after', state.cursor);
    try {
      const res = await fetch('/updates?' + params, { headers: auth(), signal: state.abort.signal, cache: 'no-store' });
      if (gen !== state.generation) return;
      if (res.status === 401) { setStatus('token refused, reload the page', 'bad'); return; }
      if (!res.ok) throw new Error('HTTP ' + res.status);
      const body = await res.json();
      if (gen !== state.generation) return;
      state.cursor = body.cursor;
      for (const update of body.updates) addMessage(update);
      failures = 0;
      setStatus('live as ' + state.me.name, 'ok');
    } catch (error) {
      if (gen !== state.generation || error.name === 'AbortError') return;
      failures += 1;
      setStatus('reconnecting…', 'warn');
      await wait(Math.min(30000, 500 * 2 ** Math.min(failures, 6)) * (0.5 + Math.random() / 2));
    }
  }
}
async function send(text) {
  if (state.sending || !state.me || !state.current) return false;
  if (text.trim() === '') return false;
  const channelID = state.current;
  // One key per message; a retry of the same text after a network error reuses it, so it posts once.
  if (!state.pending || state.pending.text !== text || state.pending.channel !== channelID) {
    state.pending = { text, channel: channelID, key: newKey() };
  }
  const gen = state.generation;
  state.sending = true;
  $('send').disabled = true;
  try {
    const res = await fetch('/messages', {
      method: 'POST',
      headers: Object.assign({ 'Content-Type': 'application/json' }, auth()),
      body: JSON.stringify({ channel: channelID, text, idempotency_key: state.pending.key }),
    });
    const body = await res.json().catch(() => ({}));
    if (!res.ok) {
      showError(body.error || 'The endpoint answered HTTP ' + res.status + '.');
      if (res.status < 500) state.pending = null;
      return false;
    }
    state.pending = null;
    showError('');
    if (gen === state.generation) {
      addMessage({ id: body.id, channel: channelID, user: { id: state.me.id, name: state.me.name }, text, ts: new Date().toISOString() });
    }
    return true;
  } catch (error) {
    showError('Could not reach the local endpoint. Your message is kept: press Send to try again.');
    return false;
  } finally {
    state.sending = false;
    $('send').disabled = false;
  }
}

// ---- Identity ----
async function becomeParticipant(id) {
  const me = state.people.find((p) => p.id === id);
  if (!me) return;
  state.generation += 1;
  const gen = state.generation;
  if (state.abort) state.abort.abort();
  state.abort = new AbortController();
  // From the start of what the endpoint keeps, so a reload or a change of identity shows the conversation so far.
  Object.assign(state, { me, cursor: '0', channels: [], current: null, pending: null });
  state.byChannel = new Map(); state.seen = new Set(); state.unread = new Map();
  try { localStorage.setItem('tandem.local.me', id); } catch (_) { /* storage may be disabled */ }
  $('role').textContent = me.role ? me.role : '';
  $('admin-warning').hidden = !me.admin;
  $('messages').replaceChildren();
  showError('');
  setStatus('connecting as ' + me.name + '…', 'warn');
  try {
    const res = await fetch('/channels', { headers: auth(), cache: 'no-store' });
    if (!res.ok) throw new Error('HTTP ' + res.status);
    const body = await res.json();
    if (gen !== state.generation) return;
    state.channels = body.channels;
  } catch (error) {
    setStatus('could not load channels', 'bad');
    showError('Could not load the channels: ' + error.message);
    return;
  }
  const start = channel(state.defaultChannel) ? state.defaultChannel : (state.channels[0] || {}).id;
  selectChannel(start);
  setStatus('live as ' + me.name, 'ok');
  pollLoop(gen);
}

// The people this page may act as: everyone with the sample's trial tokens, or only whoever signs in with a
// real token (the endpoint answers 401 then, and lists the caller alone once given a token).
async function fetchPeople(token) {
  const headers = token ? { 'Authorization': 'Bearer ' + token } : {};
  const res = await fetch('/local/participants', { cache: 'no-store', headers });
  const body = await res.json();
  if (res.status === 401 && !token) return null;
  if (!res.ok) throw new Error(body.error || 'HTTP ' + res.status);
  return body;
}

async function start() {
  $('origin').textContent = location.host;
  let body;
  try {
    body = await fetchPeople(null);
  } catch (error) {
    setStatus('unavailable', 'bad');
    showError('Could not load the participants: ' + error.message);
    return;
  }
  if (body === null) {
    setStatus('sign in with your token', 'warn');
    const form = $('sign-in');
    form.hidden = false;
    $('who').hidden = true;
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      try {
        const signedIn = await fetchPeople($('token').value.trim());
        form.hidden = true;
        $('who').hidden = false;
        showError('');
        usePeople(signedIn);
      } catch (error) {
        showError('Could not sign in: ' + error.message);
      }
    });
    return;
  }
  usePeople(body);
}

function usePeople(body) {
  state.people = body.participants;
  state.bot = body.bot || null;
  state.defaultChannel = body.defaultChannel;
  const hint = mention() + ' campaign spring';
  $('hint').textContent = hint;
  $('quick-try').textContent = hint;
  $('quick-help').textContent = mention() + ' help';
  const who = $('who');
  for (const p of state.people) {
    const option = el('option', '', p.role ? p.name + ' (' + p.role + ')' : p.name);
    option.value = p.id;
    who.append(option);
  }
  if (state.people.length === 0) { showError('No people are configured for the local chat.'); return; }
  let saved = null;
  try { saved = localStorage.getItem('tandem.local.me'); } catch (_) { /* storage may be disabled */ }
  who.value = state.people.some((p) => p.id === saved) ? saved : state.people[0].id;
  who.disabled = false;
  who.addEventListener('change', () => becomeParticipant(who.value));
  becomeParticipant(who.value);
}

$('composer').addEventListener('submit', async (event) => {
  event.preventDefault();
  const box = $('text');
  if (await send(box.value)) { box.value = ''; box.style.height = ''; }
});
$('text').addEventListener('keydown', (event) => {
  if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
    event.preventDefault();
    $('composer').requestSubmit();
  }
});
$('text').addEventListener('input', (event) => {
  const box = event.target;
  box.style.height = '';
  box.style.height = Math.min(box.scrollHeight, 160) + 'px';
});
$('quick-help').addEventListener('click', () => send(mention() + ' help'));
$('quick-try').addEventListener('click', () => { const box = $('text'); box.value = mention() + ' campaign spring'; box.focus(); });
start();
</script>
</body>
</html>
"""#
}
