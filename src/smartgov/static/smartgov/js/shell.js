/* The shell's behaviour (base.html): the compact menu and the installable app's service worker.
 * Everything works without it: the menu is a <details> element, the site a set of pages. */
(function () {
  "use strict";
  var script = document.currentScript;

  /* The menu: on a phone a disclosure (native <details>: the summary is a button whose state screen readers
   * announce); Escape closes it and puts the focus back on its button. On a wide screen it is always open:
   * site.css shows its content through ::details-content; a browser without that pseudo-element gets it
   * opened here. */
  var menu = document.querySelector(".site-menu");
  if (menu) {
    var wide = window.matchMedia("(min-width: 40.01rem)");
    var styled = window.CSS && CSS.supports && CSS.supports("selector(::details-content)");
    var follow = function () {
      if (!styled) {
        menu.open = wide.matches;
      }
    };
    follow();
    wide.addEventListener("change", follow);
    menu.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && menu.open && !wide.matches) {
        menu.open = false;
        menu.querySelector("summary").focus();
      }
    });
  }

  /* The service worker (platform/views/pwa.py): offline page and push notifications. */
  var worker = script && script.dataset.serviceWorker;
  if (worker && "serviceWorker" in navigator) {
    window.addEventListener("load", function () {
      navigator.serviceWorker.register(worker, { scope: "/" }).catch(function () {
        /* an old browser or a private window: the site works the same without it */
      });
    });
  }
})();
