/* Push notifications on this device (notifications' inbox page): subscribe with the installation's VAPID key
 * through the service worker, hand the subscription to the server, or take it back. Only where the browser
 * allows it (Push API, Notification permission); elsewhere the page says so and nothing else changes. */
(function () {
  "use strict";
  var box = document.querySelector(".push-device");
  if (!box || !("serviceWorker" in navigator) || !("PushManager" in window) || !("Notification" in window)) {
    return;
  }
  var on = box.querySelector(".push-on");
  var off = box.querySelector(".push-off");
  var status = box.querySelector(".push-status");
  box.querySelector(".push-unsupported").hidden = true;

  function key(base64url) {
    var padded = (base64url + "===".slice((base64url.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
    var raw = atob(padded);
    var out = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i += 1) {
      out[i] = raw.charCodeAt(i);
    }
    return out;
  }

  function csrf() {
    var match = document.cookie.match(/(?:^|; )csrftoken=([^;]+)/);
    if (match) {
      return decodeURIComponent(match[1]);
    }
    var field = document.querySelector("input[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }

  function tell(body) {
    return fetch(box.dataset.url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf() },
      body: JSON.stringify(body),
    }).then(function (response) {
      return response.json().then(function (answer) {
        status.textContent = answer.message || "";
        if (!response.ok) {
          throw new Error(answer.message);
        }
      });
    });
  }

  function show(subscribed) {
    on.hidden = subscribed;
    off.hidden = !subscribed;
  }

  var ready = navigator.serviceWorker.register(box.dataset.worker, { scope: "/" }).then(function () {
    return navigator.serviceWorker.ready;
  });
  ready.then(function (registration) {
    return registration.pushManager.getSubscription();
  }).then(function (subscription) {
    show(!!subscription);
  }).catch(function () {
    show(false);
  });

  on.addEventListener("click", function () {
    Notification.requestPermission().then(function (permission) {
      if (permission !== "granted") {
        status.textContent = box.dataset.denied || "";
        throw new Error("denied");
      }
      return ready;
    }).then(function (registration) {
      return registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key(box.dataset.key) });
    }).then(function (subscription) {
      return tell({ subscription: subscription.toJSON() }).then(function () {
        show(true);
      });
    }).catch(function () {
      if (!status.textContent) {
        status.textContent = box.dataset.failed || "";
      }
    });
  });

  off.addEventListener("click", function () {
    ready.then(function (registration) {
      return registration.pushManager.getSubscription();
    }).then(function (subscription) {
      if (!subscription) {
        show(false);
        return null;
      }
      return tell({ endpoint: subscription.endpoint, off: true }).then(function () {
        return subscription.unsubscribe();
      }).then(function () {
        show(false);
      });
    }).catch(function () {
      status.textContent = box.dataset.failed || "";
    });
  });
})();
