/*
 * Presence: while the console is open, its member of staff checks in every minute, so citizens
 * who ask for a person are offered a live chat only when someone can answer. Each check also
 * looks for citizens waiting in a live chat and announces them (badge, sound, page title).
 */
(function () {
  "use strict";

  var INTERVAL_MS = 60 * 1000;
  var timer = null;
  var known = {};
  var waitingCount = 0;
  var PREFIX = /^（\d+）/;

  // The page title starts with the number of citizens waiting, whatever page is shown.
  function retitle() {
    var bare = document.title.replace(PREFIX, "");
    document.title = waitingCount ? "（" + waitingCount + "）" + bare : bare;
  }

  function beep() {
    try {
      var AudioContext = window.AudioContext || window.webkitAudioContext;
      var context = new AudioContext();
      var tone = context.createOscillator();
      tone.frequency.value = 880;
      tone.connect(context.destination);
      tone.start();
      tone.stop(context.currentTime + 0.25);
    } catch (e) { /* a browser without sound still shows the badge */ }
  }

  function announce(waiting) {
    var slot = document.getElementById("live-alert");
    if (!slot) return;
    slot.replaceChildren();
    waitingCount = waiting.length;
    retitle();
    if (!waiting.length) return;
    var link = document.createElement("a");
    link.href = "#/cases/" + waiting[0].case_number;
    link.className = "badge live";
    link.textContent = "チャット待ち " + waiting.length + "件";
    slot.append(link);
    var fresh = waiting.some(function (c) { return !known[c.case_number]; });
    waiting.forEach(function (c) { known[c.case_number] = true; });
    if (fresh) beep();
  }

  function tick(api) {
    api("POST", "/api/v1/staff/presence").catch(function () {});
    api("GET", "/api/v1/cases?limit=50").then(function (page) {
      announce(page.items.filter(function (c) { return c.live_waiting; }));
    }).catch(function () {});
  }

  window.madoguchiPresence = {
    retitle: retitle,
    start: function (api) {
      if (timer) return;
      tick(api);
      timer = setInterval(function () { tick(api); }, INTERVAL_MS);
    },
    stop: function (api) {
      if (timer) clearInterval(timer);
      timer = null;
      known = {};
      announce([]);
      return api("DELETE", "/api/v1/staff/presence").catch(function () {});
    }
  };
})();
