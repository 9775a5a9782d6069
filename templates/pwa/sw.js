{% autoescape off %}{% comment %}
The service worker, rendered by tracker/pwa.py (JavaScript, not HTML: its values come JSON-encoded).
VERSION is a hash of the files it pre-caches, so changing any of them installs a new worker.
{% endcomment %}// Popwatch service worker, cache version {{ version }}.
const VERSION = "{{ version }}";
const STATIC_CACHE = `popwatch-${VERSION}`;
// Pages are stored per version too: a page names the static files of its own version.
const PAGES_CACHE = `popwatch-pages-${VERSION}`;
const STATIC_PREFIX = {{ static_prefix }};
const OFFLINE_URL = "{% url 'offline' %}";
const PRECACHE = {{ precache_urls }}; // the stylesheet, the scripts, the icons and OFFLINE_URL
const NEVER_CACHED = ["/api/", "/accounts/", "/admin/"];
const SYNC_TAG = "popwatch-queue";
const SYNC_ANSWER_MS = 30000;

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(STATIC_CACHE)
      .then((cache) => cache.addAll(PRECACHE))
      .then(() => self.skipWaiting()),
  );
});

// Drop every other version's caches, so no page mixes files of two versions.
self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((names) => Promise.all(
        names
          .filter((name) => name.startsWith("popwatch-") && name !== STATIC_CACHE && name !== PAGES_CACHE)
          .map((name) => caches.delete(name)),
      ))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.method !== "GET") {
    // Logging in or out changes whose pages these are: forget the stored ones.
    if (url.pathname.startsWith("/accounts/")) event.waitUntil(caches.delete(PAGES_CACHE));
    return;
  }
  if (NEVER_CACHED.some((prefix) => url.pathname.startsWith(prefix))) return;
  if (url.pathname.startsWith(STATIC_PREFIX)) {
    event.respondWith(cacheFirst(request));
  } else if (request.mode === "navigate") {
    event.respondWith(networkFirst(request));
  }
});

async function cacheFirst(request) {
  const cached = await caches.match(request);
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok) {
    const cache = await caches.open(STATIC_CACHE);
    await cache.put(request, response.clone());
  }
  return response;
}

// A page from the network (and a copy kept for later), else the copy, else the offline page.
async function networkFirst(request) {
  try {
    const response = await fetch(request);
    if (isStorable(response)) {
      const cache = await caches.open(PAGES_CACHE);
      await cache.put(request, response.clone());
    }
    return response;
  } catch (error) {
    const pages = await caches.open(PAGES_CACHE);
    return (await pages.match(request))
      || (await pages.match(request, { ignoreSearch: true }))
      || (await caches.match(OFFLINE_URL))
      || Response.error();
  }
}

// Only an HTML page that was asked for (not a log-in page it was redirected to, not an
// export download), and that allows it.
function isStorable(response) {
  const headers = response.headers;
  return response.ok && response.type === "basic" && !response.redirected
    && (headers.get("Content-Type") || "").startsWith("text/html")
    && !/no-store/i.test(headers.get("Cache-Control") || "");
}

// Background Sync: the pages hold the session's CSRF token, so they send the queue.
self.addEventListener("sync", (event) => {
  if (event.tag === SYNC_TAG) event.waitUntil(askPagesToSync());
});

// Fails (so the browser tries again later) unless an open page reports the queue sent.
async function askPagesToSync() {
  const pages = await self.clients.matchAll({ type: "window" });
  const answers = await Promise.all(pages.map(askPageToSync));
  if (pages.length > 0 && !answers.includes(true)) throw new Error("The offline queue was not sent yet.");
}

function askPageToSync(page) {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = (message) => resolve(message.data === true);
    page.postMessage({ type: "popwatch-sync" }, [channel.port2]);
    setTimeout(() => resolve(false), SYNC_ANSWER_MS);
  });
}
{% endautoescape %}
