/* SmartGov's service worker (served at /sw.js by platform.views.pwa; rules in docs/frontend.md).
 *
 * It never stores a page: pages hold personal data (dossiers, notifications, the account). It stores only
 *  - the shell's static files (precached at install, then cache-first for every /static/ file: their names
 *    change with their content in production), and
 *  - the offline page, fetched without cookies, as a visitor.
 * Navigation goes to the network; when the network fails, the offline page answers. Everything else (forms,
 * the API, downloads) is left to the browser untouched.
 * It also shows push notifications (Web Push) and opens their page on a click.
 */
"use strict";

const CONFIG = {{ config|safe }};
const CACHE = "smartgov-" + CONFIG.version;

self.addEventListener("install", (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    await cache.addAll(CONFIG.assets);
    const offline = await fetch(new Request(CONFIG.offline, { credentials: "omit", cache: "reload" }));
    if (offline.ok) {
      await cache.put(CONFIG.offline, offline);
    }
    await self.skipWaiting();
  })());
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    const names = await caches.keys();
    await Promise.all(names.filter((name) => name.startsWith("smartgov-") && name !== CACHE).map((name) => caches.delete(name)));
    await self.clients.claim();
  })());
});

async function networkOrOffline(request) {
  try {
    return await fetch(request);
  } catch (error) {
    const cache = await caches.open(CACHE);
    const page = await cache.match(CONFIG.offline);
    return page || Response.error();
  }
}

async function staticFile(request) {
  const cache = await caches.open(CACHE);
  const kept = await cache.match(request);
  if (kept && CONFIG.staticFirst) {
    return kept;
  }
  try {
    const response = await fetch(request);
    if (response.ok && response.type === "basic") {
      await cache.put(request, response.clone());
    }
    return response;
  } catch (error) {
    return kept || Response.error();
  }
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") {
    return;
  }
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) {
    return;
  }
  if (request.mode === "navigate") {
    event.respondWith(networkOrOffline(request));
  } else if (url.pathname.startsWith(CONFIG.static)) {
    event.respondWith(staticFile(request));
  }
});

self.addEventListener("push", (event) => {
  let message = {};
  try {
    message = event.data ? event.data.json() : {};
  } catch (error) {
    message = {};
  }
  const title = message.title || "SmartGov";
  event.waitUntil(self.registration.showNotification(title, {
    body: message.body || "",
    icon: "/bieu-tuong/192.png",
    badge: "/bieu-tuong/192.png",
    lang: message.lang || "vi",
    tag: message.tag || undefined,
    data: { url: message.url || "/tai-khoan/thong-bao/" },
  }));
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const target = new URL(event.notification.data.url, self.location.origin);
  if (target.origin !== self.location.origin) {
    return;
  }
  event.waitUntil(self.clients.openWindow(target.href));
});
