// The offline logging queue (web.md "Waiting to sync").
// A form[data-offline-queue] submitted with no connection is kept on this device
// (IndexedDB "popwatch", store "queue") as an API event body with its client_id,
// shown as "Waiting to sync" and sent later through POST /api/v1/events/bulk/.
// Exactly-once is the server's: a replayed client_id answers "duplicate".

const DB_NAME = "popwatch";
const STORE = "queue";
const BULK_URL = "/api/v1/events/bulk/";
const LOGIN_PATH = "/accounts/login/";
const BATCH_SIZE = 500; // the API's limit per request
const SYNC_TAG = "popwatch-queue"; // the service worker's Background Sync tag
const SYNC_LOCK = "popwatch-sync";

// --- Storage: one record per event, keyed by client_id -----------------------
// { client_id, body (the API's shape), what ("Pop · Knee (left)"), errors (null or the API's field errors) }

let database = null;

function openDatabase() {
  database ??= new Promise((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE, { keyPath: "client_id" });
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  return database;
}

async function inStore(mode, use) {
  const db = await openDatabase();
  return new Promise((resolve, reject) => {
    const transaction = db.transaction(STORE, mode);
    const request = use(transaction.objectStore(STORE));
    transaction.oncomplete = () => resolve(request?.result);
    transaction.onerror = transaction.onabort = () => reject(transaction.error);
  });
}

const queuedRecords = () => inStore("readonly", (store) => store.getAll());
const keepRecord = (record) => inStore("readwrite", (store) => { store.put(record); });
const discardRecord = (clientId) => inStore("readwrite", (store) => { store.delete(clientId); });

// --- From the form to the API's body -------------------------------------------

function newClientId() {
  if (crypto.randomUUID) return crypto.randomUUID();
  // Pages served over plain http (no secure context) lack randomUUID: a version 4 UUID by hand.
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = [...bytes].map((byte) => byte.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

// Every page view logs with its own client_id: a page copy kept by the service
// worker, or one restored by the back button, must not replay an id already sent.
function giveFreshClientId(form) {
  const input = form.querySelector('input[name="client_id"]');
  if (input) input.value = newClientId();
}

function eventBody(form) {
  const data = new FormData(form);
  const text = (name) => String(data.get(name) ?? "").trim();
  const body = {
    person: numberOrText(form.dataset.person ?? ""),
    client_id: text("client_id") || newClientId(),
    occurred_at: occurredAt(data, form.dataset.timezone),
    signs: data.getAll("signs"),
  };
  for (const name of ["body_site", "side", "sound", "activity", "radiates"]) {
    if (text(name)) body[name] = text(name);
  }
  if (data.has("pain")) body.pain = text("pain") === "" ? null : numberOrText(text("pain"));
  if (data.has("pain_quality")) body.pain_quality = text("pain_quality") || null;
  if (data.has("workout")) body.workout = text("workout") === "" ? null : numberOrText(text("workout"));
  if (data.has("temperature")) body.temperature_c = celsius(text("temperature"), form.dataset.temperatureUnit);
  if (data.has("note")) body.note = String(data.get("note"));
  return body;
}

// What cannot be read as a number goes as typed, so the server names the mistake.
function numberOrText(value) {
  const number = Number(value);
  return value !== "" && Number.isFinite(number) ? number : value;
}

// °C to one decimal, rounded half up as the server does (validators.celsius_from),
// counted in hundredths so that no float error moves a boundary.
function celsius(typed, unit) {
  if (typed === "") return null;
  const hundredths = Math.round(Number(typed) * 100);
  if (!Number.isFinite(hundredths)) return typed;
  const tenths = unit === "f"
    ? Math.floor((2 * (hundredths - 3200) + 18) / 36) // (F - 32) × 5/9, × 10, + ½, floored
    : Math.floor((hundredths + 5) / 10);
  return tenths / 10;
}

// The typed date and time in the user's zone, else now minus the "when" choice (minutes ago).
function occurredAt(data, timeZone) {
  const zone = knownZone(timeZone);
  const typed = String(data.get("occurred_at") ?? "").trim();
  if (typed) return isoFromLocal(typed, zone);
  const minutesAgo = Number(data.get("when")) || 0;
  return isoInZone(new Date(Date.now() - minutesAgo * 60000), zone);
}

// --- Times in the user's IANA zone, written as ISO 8601 with its offset ----------

function knownZone(timeZone) {
  try {
    return new Intl.DateTimeFormat("en", { timeZone }).resolvedOptions().timeZone;
  } catch {
    return undefined; // an unknown name: the device's own zone
  }
}

const WALL_CLOCK = {
  year: "numeric", month: "numeric", day: "numeric",
  hour: "numeric", minute: "numeric", second: "numeric", hourCycle: "h23",
};

// Minutes the zone's clocks are ahead of UTC at an instant.
function offsetMinutes(instant, timeZone) {
  const parts = new Intl.DateTimeFormat("en-US", { ...WALL_CLOCK, timeZone }).formatToParts(instant);
  const field = Object.fromEntries(parts.map(({ type, value }) => [type, Number(value)]));
  const wall = Date.UTC(field.year, field.month - 1, field.day, field.hour, field.minute, field.second);
  return Math.round((wall - Math.floor(instant.getTime() / 1000) * 1000) / 60000);
}

function isoInZone(instant, timeZone) {
  const offset = offsetMinutes(instant, timeZone);
  const wall = new Date(Math.floor(instant.getTime() / 1000) * 1000 + offset * 60000);
  const pad = (number) => String(number).padStart(2, "0");
  const sign = offset < 0 ? "-" : "+";
  const hours = pad(Math.floor(Math.abs(offset) / 60));
  return `${wall.toISOString().slice(0, 19)}${sign}${hours}:${pad(Math.abs(offset) % 60)}`;
}

// A datetime-local value ("2025-03-30T02:30") read in the zone.
function isoFromLocal(value, timeZone) {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?/.exec(value);
  if (!match) return value;
  const [year, month, day, hour, minute, second] = match.slice(1).map((part) => Number(part ?? 0));
  const asIfUtc = Date.UTC(year, month - 1, day, hour, minute, second);
  const guess = asIfUtc - offsetMinutes(new Date(asIfUtc), timeZone) * 60000;
  // Once more with the offset at the guess, which differs when a clock change lies between.
  return isoInZone(new Date(asIfUtc - offsetMinutes(new Date(guess), timeZone) * 60000), timeZone);
}

function shownTime(iso, timeZone) {
  const instant = new Date(iso);
  if (Number.isNaN(instant.getTime())) return iso;
  return new Intl.DateTimeFormat(undefined, {
    timeZone: knownZone(timeZone), dateStyle: "medium", timeStyle: "short",
  }).format(instant);
}

// --- What the list shows: the words of the form's own choices -----------------

// The label of the chosen tile or option; a hidden field ("Same as last") gives its value.
function choiceText(form, name, value = "") {
  const checked = form.querySelector(`input[name="${name}"]:checked`);
  const option = form.querySelector(`select[name="${name}"]`)?.selectedOptions[0];
  const words = checked?.labels?.[0]?.textContent || option?.textContent || value.replace(/_/g, " ");
  const text = words.replace(/\s+/g, " ").trim();
  return text.charAt(0).toUpperCase() + text.slice(1);
}

// As components/event_row.html says it: "Pop · Knee (left)".
function describe(form, body) {
  const side = body.side && body.side !== "unknown" ? ` (${choiceText(form, "side", body.side).toLowerCase()})` : "";
  return `${choiceText(form, "sound", body.sound)} · ${choiceText(form, "body_site", body.body_site)}${side}`;
}

// --- The "Waiting to sync" list ------------------------------------------------

let status = null; // { text, login }, shown in every [data-sync-status] line

function setStatus(text, { login = false } = {}) {
  status = text ? { text, login } : null;
}

function loginUrl() {
  return `${LOGIN_PATH}?next=${encodeURIComponent(location.pathname + location.search)}`;
}

function element(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  node.append(...children);
  return node;
}

function waitingItem(record, timeZone) {
  const when = shownTime(record.body.occurred_at, timeZone);
  const details = element("div", { class: "details" });
  const item = element(
    "li", { class: "card event-row event-row--waiting", "data-client-id": record.client_id },
    element("span", { class: "what" }, record.what),
    element("span", { class: "when" }, element("time", { datetime: record.body.occurred_at }, when)),
    details,
  );
  if (!record.errors) {
    details.append(element("strong", {}, "Waiting to sync"));
    return item;
  }
  item.setAttribute("data-invalid", "");
  const errors = Object.entries(record.errors).flatMap(([field, messages]) =>
    [].concat(messages).map((message) => element("li", {}, errorText(field, message))));
  details.append(element("strong", {}, "Not stored: the server refused it"), element("ul", { class: "errors" }, ...errors));
  item.append(element("button", {
    type: "button", class: "button button--danger", "data-discard": record.client_id,
    "aria-label": `Discard ${record.what}, ${when}`,
  }, "Discard"));
  return item;
}

function errorText(field, message) {
  const text = typeof message === "string" ? message : JSON.stringify(message);
  return field === "non_field_errors" ? text : `${field.replace(/_/g, " ")}: ${text}`;
}

async function showQueue() {
  const records = await queuedRecords();
  for (const section of document.querySelectorAll("[data-waiting-list]")) {
    const person = section.dataset.person;
    const shown = records.filter((record) => !person || String(record.body.person) === person);
    section.querySelector("[data-waiting-items]")
      ?.replaceChildren(...shown.map((record) => waitingItem(record, section.dataset.timezone)));
    section.hidden = shown.length === 0;
  }
  for (const line of document.querySelectorAll("[data-sync-status]")) {
    line.replaceChildren(status?.text ?? "");
    if (status?.login) line.append(" ", element("a", { class: "button", href: loginUrl(), "data-login-link": "" }, "Log in to sync"));
  }
}

// --- Sending the queue: one sync at a time, in this tab and across tabs ---------

let running = null;
let again = false;

// Resolves true when the server answered for every queued event (stored or refused).
function syncQueue() {
  if (running) {
    again = true; // something changed meanwhile: one more pass when this one ends
    return running;
  }
  running = withSyncLock(sendQueue).finally(() => {
    running = null;
    if (again) {
      again = false;
      syncQueue();
    }
  });
  return running;
}

function withSyncLock(task) {
  return navigator.locks ? navigator.locks.request(SYNC_LOCK, task) : task();
}

async function sendQueue() {
  const records = await queuedRecords();
  if (records.length === 0) return true;
  setBusy(true);
  try {
    let stored = 0;
    for (let start = 0; start < records.length; start += BATCH_SIZE) {
      const answer = await postBatch(records.slice(start, start + BATCH_SIZE));
      if (answer === null) return false;
      stored += answer;
    }
    const refused = (await queuedRecords()).some((record) => record.errors);
    setStatus(refused ? "Some events were not stored: see why below."
      : `Stored ${stored} event${stored === 1 ? "" : "s"} logged offline.`);
    return true;
  } catch (error) {
    setStatus(error instanceof TypeError ? "No connection: they will be sent when you are back online."
      : "Could not send them: the server's answer was unreadable. Try again later.");
    return false;
  } finally {
    setBusy(false);
    await showQueue();
  }
}

// How many of the batch the server holds now, or null when it took none (the batch stays).
async function postBatch(batch) {
  const response = await fetch(BULK_URL, {
    method: "POST",
    credentials: "same-origin",
    headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrfToken() },
    body: JSON.stringify(batch.map((record) => record.body)),
  });
  if (response.status === 401 || response.status === 403) {
    setStatus("Your session has ended: nothing is lost.", { login: true });
    return null;
  }
  if (!response.ok) {
    setStatus(`Could not send them (the server answered ${response.status}). Try again later.`);
    return null;
  }
  return applyResults(batch, await response.json());
}

// "created" and "duplicate" are stored: forget them; "invalid" stays, with its errors.
async function applyResults(batch, results) {
  let stored = 0;
  await inStore("readwrite", (store) => {
    batch.forEach((record, index) => {
      const result = results[index] ?? {};
      if (result.status === "created" || result.status === "duplicate") {
        store.delete(record.client_id);
        stored += 1;
      } else if (result.status === "invalid") {
        store.put({ ...record, errors: result.errors ?? {} });
      }
    });
  });
  return stored;
}

function csrfToken() {
  const cookie = document.cookie.split("; ").find((pair) => pair.startsWith("csrftoken="));
  if (cookie) return decodeURIComponent(cookie.slice("csrftoken=".length));
  return document.querySelector('input[name="csrfmiddlewaretoken"]')?.value ?? "";
}

function setBusy(busy) {
  for (const section of document.querySelectorAll("[data-waiting-list]")) {
    section.setAttribute("aria-busy", String(busy));
  }
}

async function askForBackgroundSync() {
  try {
    const registration = await navigator.serviceWorker?.getRegistration();
    await registration?.sync?.register(SYNC_TAG);
  } catch {
    // No Background Sync: the "online" event, the next page and "Sync now" send the queue.
  }
}

// --- Submitting a quick-log form -------------------------------------------------

// A connection that hangs counts as none; if the server did store the event, the
// queue's replay of its client_id is answered "duplicate".
const POST_TIMEOUT_MS = 20000;
const CARRIED = "popwatch-carried-messages";

async function submitOrQueue(event) {
  const form = event.currentTarget;
  event.preventDefault();
  if (form.hasAttribute("data-sending")) return; // a second tap while the first is on its way
  form.setAttribute("data-sending", "");
  const leaving = navigator.onLine
    ? await post(form, event.submitter)
    : await queue(form, "Saved on this device: it will be sent when you are back online.");
  if (!leaving) form.removeAttribute("data-sending");
}

// Posts the form as the browser would; true when the page is leaving for the server's answer.
async function post(form, submitter) {
  let response;
  try {
    response = await fetch(form.action, {
      method: "POST",
      body: new FormData(form, submitter),
      credentials: "same-origin",
      signal: AbortSignal.timeout?.(POST_TIMEOUT_MS),
    });
  } catch {
    return queue(form, "No connection: saved on this device, it will be sent when you are back online.");
  }
  if (response.redirected && new URL(response.url).pathname === LOGIN_PATH) {
    return queue(form, "You were logged out: this event is saved on this device.", { login: true });
  }
  if (response.status >= 500) {
    return queue(form, "The server could not take it now: saved on this device, it will be sent later.");
  }
  if (response.redirected) {
    carryMessages(await response.text().catch(() => ""), response.url);
    location.assign(response.url);
  } else {
    // The form came back with its errors: submit it the ordinary way to show that page.
    HTMLFormElement.prototype.submit.call(form);
  }
  return true;
}

// The fetch followed the redirect, so the server showed its messages ("Saved: ...")
// to the fetch: keep their words for that page, which opens now for real.
function carryMessages(html, url) {
  const page = new DOMParser().parseFromString(html, "text/html");
  const messages = [...page.querySelectorAll(".messages > li")]
    .map((item) => ({ text: item.textContent, className: item.className }));
  if (messages.length) sessionStorage.setItem(CARRIED, JSON.stringify({ url, messages }));
}

function showCarriedMessages() {
  const carried = JSON.parse(sessionStorage.getItem(CARRIED) ?? "null");
  sessionStorage.removeItem(CARRIED);
  if (!carried || carried.url !== location.href || document.querySelector(".messages")) return;
  document.querySelector("main")?.prepend(element(
    "ul", { class: "messages", "aria-live": "polite" },
    ...carried.messages.map(({ text, className }) => element("li", { class: className }, text)),
  ));
}

async function queue(form, message, { login = false } = {}) {
  const body = eventBody(form);
  try {
    await keepRecord({ client_id: body.client_id, body, what: describe(form, body), errors: null });
  } catch {
    setStatus("This device could not keep the event: it is still in the form. Try again when you are online.");
    await showQueue();
    return false;
  }
  form.reset();
  giveFreshClientId(form);
  setStatus(message, { login });
  await showQueue();
  document.querySelector("[data-waiting-list]:not([hidden])")?.scrollIntoView({ block: "nearest" });
  askForBackgroundSync();
  return false;
}

// --- Start -------------------------------------------------------------------------

showCarriedMessages();
for (const form of document.querySelectorAll("form[data-offline-queue]")) {
  giveFreshClientId(form);
  form.addEventListener("submit", submitOrQueue);
  form.setAttribute("data-queue-ready", "");
}

// Back on a page the browser kept (the back button): a new log, with its own client_id.
window.addEventListener("pageshow", (event) => {
  if (!event.persisted) return;
  for (const form of document.querySelectorAll("form[data-offline-queue]")) {
    form.removeAttribute("data-sending");
    giveFreshClientId(form);
  }
});
window.addEventListener("online", () => syncQueue());
navigator.serviceWorker?.addEventListener("message", (event) => {
  if (event.data?.type !== "popwatch-sync") return;
  syncQueue().then((done) => event.ports[0]?.postMessage(done));
});
document.addEventListener("click", async (event) => {
  const target = event.target.closest("[data-sync-now], [data-discard]");
  if (!target) return;
  if (target.hasAttribute("data-sync-now")) {
    syncQueue();
  } else {
    await discardRecord(target.dataset.discard);
    setStatus("Discarded.");
    await showQueue();
  }
});

window.popwatchQueue = { sync: syncQueue, records: queuedRecords }; // for debugging and the browser tests
showQueue().then(syncQueue);
