/*
 * madoguchi chat widget: add it to any page of a city's website with
 *   <script src="https://<madoguchi host>/widget.js" defer></script>
 * It talks to the API it was loaded from. No build step, no dependencies.
 * Accessibility (JIS X 8341-3 / WCAG 2.1 AA): keyboard operation, labelled controls, a live log
 * for screen readers, visible focus, contrast of at least 4.5:1.
 */
(function () {
  "use strict";
  if (window.__madoguchiWidget) return;
  window.__madoguchiWidget = true;

  var script = document.currentScript;
  var API = new URL(script ? script.src : window.location.href).origin;
  // sessionStorage: the conversation survives a reload but not the closing of the tab,
  // so a shared PC in a library does not show the next person what was said.
  var store = window.sessionStorage;
  var KEY = "madoguchi.";
  var MAX_KEPT = 100;
  var RETRY_MAX_MS = 15000;

  function load(name, fallback) {
    try {
      var raw = store.getItem(KEY + name);
      return raw === null ? fallback : JSON.parse(raw);
    } catch (e) {
      return fallback;
    }
  }
  function save(name, value) {
    try {
      store.setItem(KEY + name, JSON.stringify(value));
    } catch (e) { /* storage full or disabled: the chat still works */ }
  }
  // The server issues the conversation: an unguessable id and a secret token that every
  // message and the reply stream carry. Asked for on the first message, kept like the rest.
  var sender = load("sender", null);
  var token = load("token", null);
  var opening = null;
  var events = null;

  function ensureSession() {
    if (sender && token) return Promise.resolve();
    if (!opening) {
      opening = fetch(API + "/api/v1/chat/sessions", { method: "POST" }).then(function (response) {
        if (!response.ok) throw new Error("session " + response.status);
        return response.json();
      }).then(function (body) {
        sender = body.sender;
        token = body.token;
        save("sender", sender);
        save("token", token);
        opening = null;
      }, function (error) {
        opening = null;
        throw error;
      });
    }
    return opening;
  }

  function forgetSession() {
    // The server no longer knows this conversation (expired under the retention policy):
    // the next message opens a new one.
    sender = null;
    token = null;
    save("sender", null);
    save("token", null);
    if (events) {
      events.close();
      events = null;
    }
  }
  var transcript = load("transcript", []);
  var lastReplyId = load("lastReplyId", 0);

  var host = document.createElement("div");
  host.id = "madoguchi-widget";
  var root = host.attachShadow({ mode: "open" });
  root.innerHTML = [
    "<style>",
    ":host{all:initial}",
    "*{box-sizing:border-box;font-family:'Hiragino Sans','Noto Sans JP','Yu Gothic',Meiryo,sans-serif}",
    ".launcher{position:fixed;right:16px;bottom:16px;z-index:2147483000;background:#0b4f8a;color:#fff;",
    "border:0;border-radius:28px;padding:14px 20px;font-size:16px;cursor:pointer;box-shadow:0 2px 8px rgba(0,0,0,.3)}",
    "button:focus-visible,textarea:focus-visible{outline:3px solid #d35400;outline-offset:2px}",
    ".panel{position:fixed;right:16px;bottom:16px;z-index:2147483001;width:min(380px,calc(100vw - 32px));",
    "height:min(600px,calc(100vh - 32px));background:#fff;color:#1a1a1a;border:1px solid #5f6b7a;",
    "border-radius:12px;display:flex;flex-direction:column;box-shadow:0 4px 16px rgba(0,0,0,.3)}",
    ".panel[hidden]{display:none}",
    "header{display:flex;align-items:center;justify-content:space-between;padding:12px 16px;",
    "background:#0b4f8a;color:#fff;border-radius:12px 12px 0 0}",
    "h2{margin:0;font-size:17px}",
    ".close{background:transparent;color:#fff;border:2px solid #fff;border-radius:6px;font-size:15px;padding:4px 10px;cursor:pointer}",
    ".log{flex:1;overflow-y:auto;padding:12px;display:flex;flex-direction:column;gap:8px;background:#f6f8fa}",
    ".msg{max-width:85%;padding:10px 12px;border-radius:10px;white-space:pre-wrap;word-break:break-word;font-size:15px;line-height:1.6}",
    ".bot{align-self:flex-start;background:#fff;border:1px solid #c3cbd4}",
    ".staff{align-self:flex-start;background:#fff8e6;border:1px solid #b7791f}",
    ".user{align-self:flex-end;background:#0b4f8a;color:#fff}",
    ".who{display:block;font-size:12px;color:#44505c;margin-bottom:2px}",
    ".user .who{color:#e8eef5}",
    ".choices{display:flex;flex-direction:column;gap:6px;margin-top:8px}",
    ".choice{text-align:left;background:#fff;color:#0b4f8a;border:2px solid #0b4f8a;border-radius:8px;padding:8px 10px;font-size:15px;cursor:pointer}",
    ".choice:hover{background:#e8f0f8}",
    ".choices.inline{flex-direction:row;flex-wrap:wrap}",
    ".inline .choice{min-width:44px;min-height:44px;text-align:center}",
    ".status{min-height:1.5em;padding:2px 12px;font-size:13px;color:#44505c}",
    "form{display:flex;gap:8px;padding:12px;border-top:1px solid #c3cbd4}",
    "textarea{flex:1;resize:none;height:48px;padding:8px;font-size:16px;border:1px solid #5f6b7a;border-radius:8px;color:#1a1a1a}",
    ".send{background:#0b4f8a;color:#fff;border:0;border-radius:8px;padding:0 16px;font-size:16px;cursor:pointer}",
    ".tools{display:flex;justify-content:flex-end;gap:8px;padding:0 12px}",
    ".easy{background:#fff;color:#0b4f8a;border:2px solid #0b4f8a;border-radius:8px;padding:6px 10px;font-size:14px;cursor:pointer;min-height:44px}",
    ".easy[aria-checked='true']{background:#0b4f8a;color:#fff}",
    "rt{font-size:.65em;color:inherit}",
    ".locate{background:#fff;color:#0b4f8a;border:2px solid #0b4f8a;border-radius:8px;padding:6px 10px;font-size:14px;cursor:pointer;min-height:44px}",
    ".language{display:flex;align-items:center;gap:6px;margin-right:auto;font-size:13px;color:#44505c}",
    ".language select{font-size:14px;min-height:44px;border:2px solid #0b4f8a;border-radius:8px;color:#0b4f8a;background:#fff;padding:0 6px}",
    "select:focus-visible{outline:3px solid #d35400;outline-offset:2px}",
    ".sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}",
    "</style>",
    // Texts come from the server's `widget` catalogs (applyTexts), in the citizen's language.
    "<button class='launcher' type='button' aria-haspopup='dialog' aria-expanded='false' data-text='widget.launcher'></button>",
    "<section class='panel' role='dialog' aria-modal='false' aria-labelledby='madoguchi-title' hidden>",
    "<header><h2 id='madoguchi-title' data-text='widget.title'></h2>",
    "<button class='close' type='button' data-text='widget.close'></button></header>",
    "<div class='log' role='log' aria-live='polite' aria-relevant='additions' tabindex='0' data-label='widget.log'></div>",
    "<div class='status' role='status' aria-live='polite'></div>",
    "<div class='tools'><div class='language'><label for='madoguchi-language' data-text='widget.language'></label>",
    "<select id='madoguchi-language'></select></div>",
    "<button class='easy' type='button' role='switch' aria-checked='false' lang='ja' data-text='widget.easy'></button>",
    "<button class='locate' type='button' data-text='widget.locate'></button></div>",
    "<form><label class='sr' for='madoguchi-input' data-text='widget.input'></label>",
    "<textarea id='madoguchi-input' maxlength='2000' data-placeholder='widget.placeholder'></textarea>",
    "<button class='send' type='submit' data-text='widget.send'></button></form>",
    "</section>"
  ].join("");

  var launcher = root.querySelector(".launcher");
  var panel = root.querySelector(".panel");
  var closeButton = root.querySelector(".close");
  var log = root.querySelector(".log");
  var statusLine = root.querySelector(".status");
  var form = root.querySelector("form");
  var input = root.querySelector("textarea");
  var locateButton = root.querySelector(".locate");
  var easySwitch = root.querySelector(".easy");
  var languageMenu = root.querySelector("select");
  var sending = false;
  var retryDelay = 1000;
  var retryTimer = null;

  function keep(entry) {
    transcript.push(entry);
    if (transcript.length > MAX_KEPT) transcript = transcript.slice(-MAX_KEPT);
    save("transcript", transcript);
  }

  // The widget's language: the citizen's choice, else the browser's when the city offers it,
  // else Japanese. Its texts are fetched from the server's catalogs.
  var MAX_CHARS = 2000;
  var TEXTS = {};
  var locale = load("locale", null);
  var EASY = "ja-x-easy";  // やさしい日本語: a variant of Japanese, chosen by its own switch
  var languageSent = load("languageSent", null);

  function t(id, params) {
    var text = TEXTS[id] || id;
    Object.keys(params || {}).forEach(function (name) {
      text = text.split("{" + name + "}").join(String(params[name]));
    });
    return text;
  }

  function browserLocale(offered) {
    var wanted = (navigator.languages || [navigator.language || "ja"]);
    for (var i = 0; i < wanted.length; i++) {
      var base = String(wanted[i]).split("-")[0].toLowerCase();
      if (offered.indexOf(base) >= 0) return base;
    }
    return "ja";
  }

  // The language of a bot or staff message, for its `lang` attribute: Japanese when kana and
  // kanji outnumber Latin letters (an English note may name a department in Japanese), else
  // the widget's language (or English, on a Japanese widget).
  function languageOf(text) {
    var japanese = (text.match(/[\u3040-\u30ff\u3400-\u9fff]/g) || []).length;
    var latin = (text.match(/[A-Za-z]/g) || []).length;
    if (japanese >= latin) return "ja";
    return locale && locale.split("-")[0] !== "ja" ? locale : "en";
  }

  function applyTexts() {
    Array.prototype.forEach.call(root.querySelectorAll("[data-text]"), function (el) {
      el.textContent = t(el.getAttribute("data-text"));
    });
    log.setAttribute("aria-label", t("widget.log"));
    input.setAttribute("placeholder", t("widget.placeholder"));
    [launcher, panel].forEach(function (el) { el.setAttribute("lang", locale); });
    Array.prototype.forEach.call(root.querySelectorAll(".msg .who"), function (who) {
      who.textContent = t("widget.who." + who.getAttribute("data-from"));
    });
    Array.prototype.forEach.call(root.querySelectorAll(".choices"), function (group) {
      group.setAttribute("aria-label", t("widget.choices"));
    });
  }

  function fetchTexts(code) {
    return fetch(API + "/api/v1/widget/texts?locale=" + encodeURIComponent(code)).then(function (r) {
      if (!r.ok) throw { status: r.status };
      return r.json();
    });
  }

  function fillLanguageMenu(offered) {
    while (languageMenu.firstChild) languageMenu.removeChild(languageMenu.firstChild);
    offered.forEach(function (l) {
      var option = document.createElement("option");
      option.value = l.code;
      option.textContent = l.name;
      option.setAttribute("lang", l.code);
      languageMenu.appendChild(option);
    });
    languageMenu.value = locale === EASY ? "ja" : locale;  // easy Japanese is Japanese
  }

  // The conversation's language on the server follows the citizen's choice (the bot answers
  // in it) until a message in another language switches it.
  function syncLanguage() {
    if (!sender || !token || languageSent === sender + " " + locale) return Promise.resolve();
    if (!load("localeChosen", false) && locale === "ja") return Promise.resolve();
    return fetch(API + "/api/v1/chat/language", {
      method: "PUT",
      headers: { "Content-Type": "application/json", "Authorization": "Bearer " + token },
      body: JSON.stringify({ sender: sender, language: locale })
    }).then(function (response) {
      if (response.ok) {
        languageSent = sender + " " + locale;
        save("languageSent", languageSent);
      }
    }).catch(function () { /* the next message tries again */ });
  }

  var localeWanted = 0;  // the latest choice wins when the switch is pressed twice quickly

  function setLocale(code) {
    var wanted = ++localeWanted;
    return fetchTexts(code).then(function (body) {
      if (wanted !== localeWanted) return;
      locale = body.locale;
      TEXTS = body.texts;
      save("locale", locale);
      save("localeChosen", true);
      fillLanguageMenu(body.locales);
      applyTexts();
      // A conversation not started yet greets the citizen again, in the new language.
      if (transcript.length === 1 && transcript[0].welcome) {
        transcript = [];
        while (log.firstChild) log.removeChild(log.firstChild);
        welcome();
      }
      return syncLanguage();
    }).catch(function () {
      languageMenu.value = locale === EASY ? "ja" : locale;
    });
  }

  function welcome() {
    var entry = { from: "bot", text: t("widget.welcome"), buttons: [], welcome: true };
    keep(entry);
    render(entry, false);
  }

  // 「やさしい にほんご・ふりがな」: the bot's texts in easy Japanese (the conversation's language
  // becomes ja-x-easy) and readings over the kanji of every bot and staff message. The server
  // reads them (POST /api/v1/furigana); the widget builds <ruby> elements with textContent
  // only, so a message is never parsed as HTML.
  var easyOn = locale === EASY;
  var readings = {};  // message text → segments, for this page
  var FURIGANA_MAX = 4000;

  function fillText(body, segments) {
    while (body.firstChild) body.removeChild(body.firstChild);
    if (!segments) {
      body.appendChild(document.createTextNode(body.__text));
      return;
    }
    segments.forEach(function (segment) {
      if (!segment.ruby) {
        body.appendChild(document.createTextNode(segment.text));
        return;
      }
      var ruby = document.createElement("ruby");
      var base = document.createElement("rb");
      base.textContent = segment.text;
      var open = document.createElement("rp");
      open.textContent = "（";
      var reading = document.createElement("rt");
      reading.textContent = segment.ruby;
      var close = document.createElement("rp");
      close.textContent = "）";
      [base, open, reading, close].forEach(function (part) { ruby.appendChild(part); });
      body.appendChild(ruby);
    });
  }

  function showReadings(body) {
    var text = body.__text;
    if (!easyOn || !text || text.length > FURIGANA_MAX) {
      fillText(body, null);
      return;
    }
    if (readings[text]) {
      fillText(body, readings[text]);
      return;
    }
    fetch(API + "/api/v1/furigana", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ text: text })
    }).then(function (response) {
      return response.ok ? response.json() : null;
    }).then(function (result) {
      if (!result) return;
      readings[text] = result.segments;
      if (easyOn) fillText(body, result.segments);
    }).catch(function () { /* no readings: the message stays as it is */ });
  }

  function showEasy(on) {
    easyOn = on;
    easySwitch.setAttribute("aria-checked", on ? "true" : "false");
    Array.prototype.forEach.call(root.querySelectorAll(".msg .text[lang='ja']"), showReadings);
  }

  // On: easy Japanese with readings; off: ordinary Japanese (whatever the language before).
  function setEasy(on) {
    showEasy(on);
    setLocale(on ? EASY : "ja");
  }

  function render(entry, live) {
    var item = document.createElement("div");
    item.className = "msg " + entry.from;
    var who = document.createElement("span");
    who.className = "who";
    who.setAttribute("data-from", entry.from);
    who.textContent = t("widget.who." + entry.from);
    item.appendChild(who);
    var body = document.createElement("span");
    body.className = "text";
    body.__text = entry.text || "";
    item.appendChild(body);
    if (entry.from === "user") {
      fillText(body, null);  // the citizen's own words: their language is theirs
    } else {
      body.setAttribute("lang", languageOf(body.__text));
      showReadings(body);
    }
    if (entry.buttons && entry.buttons.length && live) {
      var group = document.createElement("div");
      // Short choices (a 1–5 rating) sit side by side; longer ones stack.
      var short = entry.buttons.every(function (b) { return b.title.length <= 5; });
      group.className = short ? "choices inline" : "choices";
      group.setAttribute("role", "group");
      group.setAttribute("aria-label", t("widget.choices"));
      entry.buttons.forEach(function (b) {
        var choice = document.createElement("button");
        choice.type = "button";
        choice.className = "choice";
        choice.textContent = b.title;
        choice.addEventListener("click", function () {
          if (load("pending", null)) {
            setStatus(t("widget.busy"));
            return;
          }
          group.remove();
          send(b.payload, b.title);
          input.focus();
        });
        group.appendChild(choice);
      });
      item.appendChild(group);
    }
    log.appendChild(item);
    log.scrollTop = log.scrollHeight;
  }

  function setStatus(text) {
    statusLine.textContent = text;
  }

  function retireChoices() {
    // Choices offered earlier are history now: only the newest buttons can be tapped.
    Array.prototype.forEach.call(root.querySelectorAll(".choices"), function (group) {
      group.remove();
    });
  }

  function showBotMessages(messages) {
    retireChoices();
    messages.forEach(function (m, i) {
      var entry = { from: "bot", text: m.text || "", buttons: m.buttons || [] };
      keep(entry);
      // Only the newest message's buttons stay live: old choices are history.
      render(entry, i === messages.length - 1);
    });
  }

  function scheduleRetry() {
    clearTimeout(retryTimer);
    retryTimer = setTimeout(flushPending, retryDelay);
    retryDelay = Math.min(retryDelay * 2, RETRY_MAX_MS);
  }

  function flushPending() {
    var pending = load("pending", null);
    if (!pending || sending) return;
    sending = true;
    setStatus(t("widget.thinking"));
    ensureSession().then(function () {
      connectEvents();
      return syncLanguage();
    }).then(function () {
      return fetch(API + "/api/v1/chat", {
        method: "POST",
        headers: { "Content-Type": "application/json", "Authorization": "Bearer " + token },
        body: JSON.stringify({ sender: sender, message: pending.message })
      });
    }).then(function (response) {
      return response.json().catch(function () { return null; }).then(function (body) {
        return { response: response, body: body };
      });
    }).then(function (result) {
      sending = false;
      var response = result.response;
      if (response.ok) {
        save("pending", null);
        retryDelay = 1000;
        setStatus("");
        showBotMessages(result.body || []);
        return;
      }
      if (response.status >= 500) {
        setStatus(t("widget.retrying"));
        scheduleRetry();
        return;
      }
      var code = result.body && result.body.error && result.body.error.code;
      var expired = code === "unknown_conversation" || code === "wrong_chat_token";
      if (response.status === 403 && expired && !pending.reopened) {
        // The conversation expired: open a new one (once) and send the message there.
        pending.reopened = true;
        save("pending", pending);
        forgetSession();
        flushPending();
        return;
      }
      // A 4xx: the message itself cannot be sent; give it back to the citizen to edit.
      save("pending", null);
      setStatus("");
      if (!input.value) input.value = pending.message;
      var error = result.body && result.body.error;
      var reason = error && error.code === "message_too_long"
        ? t("widget.too_long", { limit: MAX_CHARS })
        : t("widget.not_sent");
      var entry = { from: "bot", text: reason, buttons: [] };
      keep(entry);
      render(entry, true);
    }).catch(function () {
      // Network drop: the message stays pending and goes out once the connection is back.
      sending = false;
      setStatus(t("widget.offline"));
      scheduleRetry();
    });
  }

  function send(message, shown) {
    if (!message || !message.trim() || load("pending", null)) return;
    var entry = { from: "user", text: shown || message };
    keep(entry);
    render(entry, false);
    save("pending", { message: message });
    flushPending();
  }

  function openPanel() {
    panel.hidden = false;
    launcher.hidden = true;
    launcher.setAttribute("aria-expanded", "true");
    save("open", true);
    input.focus();
    connectEvents();
  }

  function closePanel() {
    panel.hidden = true;
    launcher.hidden = false;
    launcher.setAttribute("aria-expanded", "false");
    save("open", false);
    launcher.focus();
  }

  function connectEvents() {
    // Before the first message there is no conversation, hence nothing to stream yet.
    if (events || !window.EventSource || !sender || !token) return;
    events = new EventSource(
      API + "/api/v1/chat/" + encodeURIComponent(sender) + "/events?after=" + lastReplyId +
        "&token=" + encodeURIComponent(token)
    );
    events.addEventListener("staff_reply", function (event) {
      var data = JSON.parse(event.data);
      if (data.id <= lastReplyId) return;
      lastReplyId = data.id;
      save("lastReplyId", lastReplyId);
      // author "bot": an automatic message (a survey question); its choices work like the
      // bot's, sending their payload as the next message.
      var buttons = data.buttons || [];
      var entry = { from: data.author === "bot" ? "bot" : "staff", text: data.text, buttons: buttons };
      keep(entry);
      if (buttons.length) retireChoices();
      render(entry, buttons.length > 0);
    });
  }

  // The browser is asked for the position only when the citizen taps 現在地を送る (the tap is
  // the consent); the point goes to the bot as the report form's place.
  var LOCATION_ERRORS = {
    1: "widget.location.denied",
    2: "widget.location.unavailable",
    3: "widget.location.timeout"
  };
  locateButton.addEventListener("click", function () {
    if (!navigator.geolocation) {
      setStatus(t("widget.location.unsupported"));
      return;
    }
    if (load("pending", null)) {
      setStatus(t("widget.busy"));
      return;
    }
    locateButton.disabled = true;
    setStatus(t("widget.location.finding"));
    navigator.geolocation.getCurrentPosition(function (position) {
      locateButton.disabled = false;
      setStatus("");
      var lat = Number(position.coords.latitude.toFixed(6));
      var lon = Number(position.coords.longitude.toFixed(6));
      send("/share_location" + JSON.stringify({ latitude: lat, longitude: lon }),
        t("widget.location.sent", { latitude: lat, longitude: lon }));
    }, function (error) {
      locateButton.disabled = false;
      setStatus(t(LOCATION_ERRORS[error.code] || LOCATION_ERRORS[2]));
    }, { enableHighAccuracy: true, timeout: 20000, maximumAge: 60000 });
  });

  easySwitch.setAttribute("aria-checked", easyOn ? "true" : "false");
  easySwitch.addEventListener("click", function () { setEasy(!easyOn); });
  launcher.addEventListener("click", openPanel);
  closeButton.addEventListener("click", closePanel);
  panel.addEventListener("keydown", function (event) {
    if (event.key === "Escape") closePanel();
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value;
    if (!text.trim()) {
      setStatus(t("widget.empty"));
      return;
    }
    if (load("pending", null)) {
      setStatus(t("widget.busy"));
      return;
    }
    input.value = "";
    send(text);
  });
  input.addEventListener("keydown", function (event) {
    // Enter sends, Shift+Enter starts a new line; not while an IME is composing kana.
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
  window.addEventListener("online", function () {
    retryDelay = 1000;
    flushPending();
  });

  languageMenu.addEventListener("change", function () {
    if (easyOn) showEasy(false);  // another language from the menu leaves easy Japanese
    setLocale(languageMenu.value);
  });

  function start(body) {
    locale = body.locale;
    TEXTS = body.texts;
    easyOn = locale === EASY;
    easySwitch.setAttribute("aria-checked", easyOn ? "true" : "false");
    fillLanguageMenu(body.locales);
    applyTexts();
    transcript.forEach(function (entry, i) {
      render(entry, i === transcript.length - 1 && entry.from !== "user");
    });
    if (!transcript.length) welcome();
    document.body.appendChild(host);
    if (load("open", false)) openPanel();
    if (load("pending", null)) flushPending();
  }

  // The texts first (the widget shows nothing it cannot label); retried while the server is
  // unreachable, since the chat cannot work without it anyway.
  var startDelay = 1000;
  function boot() {
    fetchTexts(locale || "ja").then(function (body) {
      if (locale) return body;
      var wanted = browserLocale(body.locales.map(function (l) { return l.code; }));
      return wanted === body.locale ? body : fetchTexts(wanted);
    }).then(start, function (error) {
      if (error && error.status === 422) locale = null;  // no longer offered: choose again
      setTimeout(boot, startDelay);
      startDelay = Math.min(startDelay * 2, RETRY_MAX_MS);
    });
  }
  boot();
})();
