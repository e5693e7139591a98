/*
 * madoguchi staff console. One page, hash routes (#/queue, #/cases/<number>), the JSON API
 * with the session cookie; every change repeats the CSRF cookie in X-CSRF-Token.
 */
(function () {
  "use strict";

  var STATUS = { new: "新規", in_progress: "対応中", waiting_citizen: "市民の返信待ち", resolved: "解決済み" };
  var KIND = { report: "不具合の通報", inquiry: "問い合わせ", human_request: "職員への取り次ぎ" };
  var CHANNEL = { web: "ウェブ", line: "LINE", phone: "電話", api: "API", open311: "Open311 アプリ" };
  // The citizen's language as the chat detected it (ISO 639-1), or やさしい日本語 (the widget's
  // switch): a reply to such a citizen is best written in short, plain sentences too.
  var LANGUAGE = { ja: "日本語", en: "英語", zh: "中国語", ko: "韓国語", vi: "ベトナム語", pt: "ポルトガル語",
    es: "スペイン語", tl: "タガログ語", id: "インドネシア語", th: "タイ語", "ja-x-easy": "やさしい日本語" };
  var EVENT = {
    created: "受付", assigned: "担当者の割り当て", transferred: "転送", commented: "内部メモ",
    status_changed: "状態の変更", replied: "市民への返信", citizen_message: "市民からのメッセージ",
    handoff_started: "職員が会話を引き継ぎ", handoff_ended: "自動応答に戻す",
    survey_sent: "満足度アンケートを送信", survey_answered: "アンケートの回答", survey_declined: "アンケートは回答しない",
    linked: "重複の関連付け", unlinked: "重複の関連付けを解除", duplicate_reported: "別の市民から同じ内容の通報",
    delivery_failed: "お客様に届きませんでした"
  };
  var SURVEY_TARGET = { bot: "チャットボット", staff: "職員の対応" };
  var main = document.getElementById("main");
  var who = document.getElementById("who");
  var toast = document.getElementById("toast");
  var departments = [];
  var me = null;

  function h(tag, attrs) {
    var el = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      var value = attrs[key];
      if (value === null || value === undefined || value === false) return;
      if (key.slice(0, 2) === "on") el.addEventListener(key.slice(2), value);
      else if (key === "text") el.textContent = value;
      else el.setAttribute(key, value === true ? "" : value);
    });
    (function add(children) {
      children.forEach(function (child) {
        if (child === null || child === undefined || child === false) return;
        if (Array.isArray(child)) add(child);
        else el.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
      });
    })(Array.prototype.slice.call(arguments, 2));
    return el;
  }

  function csrf() {
    var match = document.cookie.match(/(?:^|; )madoguchi_csrf=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function api(method, path, body) {
    var headers = { "Accept": "application/json" };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    if (method !== "GET") headers["X-CSRF-Token"] = csrf();
    return fetch(path, {
      method: method,
      headers: headers,
      credentials: "same-origin",
      body: body === undefined ? undefined : JSON.stringify(body)
    }).then(function (response) {
      // A refused sign-in says why (wrong name or password, or when to try again); any other
      // 401 means the session is over.
      if (response.status === 401 && path !== "/api/v1/auth/session") {
        location.hash = "#/login";
        throw new Error("ログインしてください。");
      }
      if (response.status === 204) return null;
      return response.json().then(function (data) {
        if (!response.ok) throw new Error((data.error && data.error.message) || "エラーが発生しました。");
        return data;
      });
    });
  }

  function say(text) {
    toast.textContent = text;
    setTimeout(function () { if (toast.textContent === text) toast.textContent = ""; }, 4000);
  }

  // Each navigation takes a ticket; a view whose data arrives after the staff member moved on
  // must not replace the page they are on now.
  var currentTicket = 0;

  function show(title, content, ticket) {
    if (ticket !== undefined && ticket !== currentTicket) return;
    main.replaceChildren(content);
    document.title = title + " | madoguchi 職員コンソール";
    if (window.madoguchiPresence) window.madoguchiPresence.retitle();
    main.focus();
  }

  function when(iso) {
    return iso ? new Date(iso).toLocaleString("ja-JP", { timeZone: "Asia/Tokyo" }) : "";
  }

  function departmentName(code) {
    var d = departments.find(function (x) { return x.code === code; });
    return d ? d.name : code;
  }

  function renderWho() {
    who.replaceChildren();
    if (!me) return;
    var scope = me.departments ? me.departments.map(departmentName).join("・") : "全部署";
    who.append(h("a", { href: "#/queue", class: "nav", text: "案件一覧" }));
    who.append(h("a", { href: "#/dashboard", class: "nav", text: "ダッシュボード" }));
    if (me.role === "admin") {
      who.append(h("a", { href: "#/admin/faq", class: "nav", text: "FAQの管理" }));
      who.append(h("a", { href: "#/admin/departments", class: "nav", text: "担当課の設定" }));
      who.append(h("a", { href: "#/admin/staff", class: "nav", text: "職員アカウント" }));
    }
    who.append(
      h("span", { text: me.username + "（" + scope + "）" }), " ",
      h("button", { type: "button", onclick: signOut }, "ログアウト")
    );
  }

  function signOut() {
    var leaving = window.madoguchiPresence ? window.madoguchiPresence.stop(api) : Promise.resolve();
    leaving.then(function () { return api("DELETE", "/api/v1/auth/session"); }).then(function () {
      me = null;
      renderWho();
      location.hash = "#/login";
    });
  }

  function loginView() {
    var error = h("p", { class: "error", role: "alert" });
    var form = h("form", { class: "card login", onsubmit: function (event) {
      event.preventDefault();
      api("POST", "/api/v1/auth/session", {
        username: form.elements.username.value, password: form.elements.password.value
      }).then(function (user) {
        me = user;
        location.hash = "#/queue";
      }).catch(function (e) { error.textContent = e.message; });
    } },
      h("h2", { text: "ログイン" }),
      h("label", { for: "username", text: "ユーザー名" }),
      h("input", { id: "username", name: "username", autocomplete: "username", required: true }),
      h("label", { for: "password", text: "パスワード" }),
      h("input", { id: "password", name: "password", type: "password", autocomplete: "current-password", required: true }),
      error,
      h("p", {}, h("button", { class: "primary", type: "submit" }, "ログイン"))
    );
    show("ログイン", form);
    form.elements.username.focus();
  }

  function slaBadge(clock) {
    var text = clock.elapsed_hours.toFixed(1) + " / " + clock.target_hours + " 時間";
    return h("span", { class: "badge " + (clock.overdue ? "over" : "ok") },
      clock.overdue ? "超過 " + text : text);
  }

  function queueView(params) {
    var ticket = currentTicket;
    var status = params.get("status") || "";
    var department = params.get("department") || "";
    var query = new URLSearchParams();
    if (status) query.set("status", status);
    if (department) query.set("department", department);
    ["near", "radius_m", "bbox"].forEach(function (k) { if (params.get(k)) query.set(k, params.get(k)); });
    query.set("limit", "200");
    api("GET", "/api/v1/cases?" + query).then(function (page) {
      var sortByWait = params.get("sort") === "wait";
      var items = page.items.slice();
      if (sortByWait) items.sort(function (a, b) {
        return b.sla.first_response.elapsed_hours - a.sla.first_response.elapsed_hours;
      });
      function go(changes) {
        var next = new URLSearchParams(params);
        Object.keys(changes).forEach(function (k) { if (changes[k]) next.set(k, changes[k]); else next.delete(k); });
        location.hash = "#/queue?" + next;
      }
      var visible = me && me.departments ? departments.filter(function (d) { return me.departments.indexOf(d.code) >= 0; }) : departments;
      var filters = h("div", { class: "filters" },
        h("div", {}, h("label", { for: "f-status", text: "状態" }),
          h("select", { id: "f-status", onchange: function (e) { go({ status: e.target.value }); } },
            h("option", { value: "", text: "すべて" }),
            Object.keys(STATUS).map(function (k) { return h("option", { value: k, text: STATUS[k], selected: k === status }); }))),
        h("div", {}, h("label", { for: "f-department", text: "担当課" }),
          h("select", { id: "f-department", onchange: function (e) { go({ department: e.target.value }); } },
            h("option", { value: "", text: "すべて" }),
            visible.map(function (d) { return h("option", { value: d.code, text: d.name, selected: d.code === department }); }))),
        h("form", { class: "row", "aria-label": "地域で絞り込む", onsubmit: function (e) {
          e.preventDefault();
          go({ near: e.target.elements.near.value.trim(), radius_m: e.target.elements.radius.value.trim() });
        } },
          h("div", {}, h("label", { for: "f-near", text: "地点（緯度,経度）" }),
            h("input", { id: "f-near", name: "near", value: params.get("near") || "", placeholder: "35.6581,139.7017" })),
          h("div", {}, h("label", { for: "f-radius", text: "半径（m）" }),
            h("input", { id: "f-radius", name: "radius", type: "number", min: "1", value: params.get("radius_m") || "", placeholder: "250" })),
          h("button", { class: "secondary", type: "submit" }, "地域で絞り込む"))
      );
      var rows = items.map(function (c) {
        return h("tr", {},
          h("td", {}, h("a", { href: "#/cases/" + c.case_number, text: c.case_number }),
            c.live_waiting ? [" ", h("span", { class: "badge live", text: "チャット待ち" })] : null,
            c.urgent && c.status !== "resolved" ? [" ", h("span", { class: "badge urgent", text: "緊急" })] : null),
          h("td", { text: when(c.created_at) }),
          h("td", { text: KIND[c.kind] || c.kind }),
          h("td", { text: STATUS[c.status] || c.status }),
          h("td", { text: departmentName(c.department) }),
          h("td", { text: c.summary }),
          h("td", {}, c.status === "resolved" ? "—" : slaBadge(c.sla.first_response)),
          h("td", { text: String(c.transfer_count) }));
      });
      var table = h("table", {},
        h("caption", { class: "sr", text: "案件の一覧" }),
        h("thead", {}, h("tr", {},
          ["受付番号", "受付日時", "種別", "状態", "担当課", "件名"].map(function (t) { return h("th", { scope: "col", text: t }); }),
          h("th", { scope: "col" }, h("button", { type: "button", onclick: function () { go({ sort: sortByWait ? "" : "wait" }); } },
            "初回対応までの経過（営業時間）" + (sortByWait ? " ▼" : ""))),
          h("th", { scope: "col", text: "転送" }))),
        h("tbody", {}, rows));
      var canOpen = me && (me.role === "admin" || me.role === "call_center");
      show("案件一覧", h("section", {},
        h("h2", { text: "案件一覧（" + page.total + "件）" }), filters,
        items.length ? table : h("p", { text: "該当する案件はありません。" }),
        canOpen ? phoneCaseForm() : null), ticket);
    }).catch(function (e) { say(e.message); });
  }

  function handoffActive(c) {
    var active = false;
    c.events.forEach(function (e) {
      if (e.kind === "handoff_started") active = true;
      if (e.kind === "handoff_ended") active = false;
    });
    return active;
  }

  function caseView(number) {
    var ticket = currentTicket;
    Promise.all([
      api("GET", "/api/v1/cases/" + encodeURIComponent(number)),
      api("GET", "/api/v1/cases/" + encodeURIComponent(number) + "/transcript").catch(function () { return null; })
    ]).then(function (results) {
      var c = results[0];
      var transcript = results[1];
      function act(method, path, body, done) {
        return api(method, "/api/v1/cases/" + encodeURIComponent(number) + path, body).then(function () {
          say(done);
          caseView(number);
        }).catch(function (e) { say(e.message); });
      }
      function formFor(id, title, fields, button, onsubmit) {
        var form = h("form", { "aria-labelledby": id + "-title", onsubmit: function (event) {
          event.preventDefault();
          onsubmit(form.elements);
        } }, h("h4", { id: id + "-title", text: title }), fields, h("button", { class: "primary", type: "submit" }, button));
        return form;
      }
      var alternatives = (c.routing_alternatives || []).map(function (a) {
        return departmentName(a.department) + " " + Math.round(a.confidence * 100) + "%";
      }).join("、");
      var details = h("div", { class: "card" }, h("h3", { text: "案件の内容" }), h("dl", {},
        h("dt", { text: "受付番号" }), h("dd", { text: c.case_number }),
        h("dt", { text: "種別" }), h("dd", { text: KIND[c.kind] || c.kind }),
        h("dt", { text: "状態" }), h("dd", { text: STATUS[c.status] || c.status }),
        h("dt", { text: "受付経路" }), h("dd", { text: CHANNEL[c.channel] || c.channel }),
        h("dt", { text: "言語" }), h("dd", { text: c.language ? (LANGUAGE[c.language] || c.language) : "—" }),
        h("dt", { text: "担当課" }), h("dd", { text: departmentName(c.department) }),
        h("dt", { text: "振り分けの確からしさ" }), h("dd", { text: c.routing_confidence === null ? "職員が指定" : Math.round(c.routing_confidence * 100) + "%（次点: " + (alternatives || "なし") + "）" }),
        h("dt", { text: "転送回数" }), h("dd", { text: String(c.transfer_count) }),
        h("dt", { text: "内容" }), h("dd", { text: c.description }),
        h("dt", { text: "場所" }), h("dd", { text: c.location || "—" }),
        h("dt", { text: "連絡先" }), h("dd", { text: c.contact_declined ? "連絡不要" : (c.contact || "—") }),
        h("dt", { text: "初回対応" }), h("dd", {}, slaBadge(c.sla.first_response)),
        h("dt", { text: "解決まで" }), h("dd", {}, slaBadge(c.sla.resolution)),
        c.resolution_message ? h("dt", { text: "市民へのお知らせ" }) : null,
        c.resolution_message ? h("dd", { text: c.resolution_message }) : null));
      var conversation = h("div", { class: "card" }, h("h3", { text: "会話の記録" }),
        transcript === null ? h("p", { text: "会話の記録を取得できませんでした。" }) :
          transcript.length ? h("ol", { class: "transcript", "aria-label": "会話の記録" }, transcript.map(function (line) {
            return h("li", {}, h("span", { class: "speaker", text: line.speaker === "citizen" ? "市民" : "自動案内" }),
              line.text, line.buttons.length ? "［選択肢: " + line.buttons.join(" / ") + "］" : null,
              h("span", { class: "when", text: when(line.at) }));
          })) : h("p", { text: "会話の記録はありません（電話受付など）。" }));
      var history = h("div", { class: "card" }, h("h3", { text: "対応履歴" }),
        h("ol", { class: "history", "aria-label": "対応履歴" }, c.events.map(function (e) {
          var detail = e.data.body || e.data.reason || e.data.message || "";
          if (e.kind === "transferred") detail = departmentName(e.data.before) + " → " + departmentName(e.data.after) + "（理由: " + e.data.reason + "）";
          if (e.kind === "status_changed") detail = (STATUS[e.data.before] || "") + " → " + (STATUS[e.data.after] || "") + (e.data.message ? "：" + e.data.message : "");
          if (e.kind === "assigned") detail = e.data.after || "（割り当て解除）";
          if (e.kind === "survey_answered") {
            detail = e.data.target === "comment" ? (e.data.commented ? "ご意見あり" : "ご意見なし")
              : (SURVEY_TARGET[e.data.target] || e.data.target) + "：" + e.data.score + " / 5";
          }
          return h("li", {}, h("span", { class: "speaker", text: EVENT[e.kind] || e.kind }), detail,
            h("span", { class: "when", text: e.actor + "・" + when(e.created_at) }));
        })));
      var live = handoffActive(c);
      var canTalk = c.channel === "web" || c.channel === "line";
      var actions = h("div", { class: "card actions" }, h("h3", { text: "対応" }),
        canTalk ? h("div", { class: "row" }, live
          ? h("button", { class: "secondary", type: "button", onclick: function () { act("DELETE", "/handoff", undefined, "自動応答に戻しました。"); } }, "自動応答に戻す")
          : h("button", { class: "secondary", type: "button", onclick: function () { act("POST", "/handoff", undefined, "会話を引き継ぎました。"); } }, "会話を引き継ぐ"),
          h("span", { text: live ? "職員が対応中です（自動応答は停止しています）" : "" })) : null,
        canTalk ? formFor("reply", "市民へ返信（" + (CHANNEL[c.channel] || c.channel) + "で届きます）",
          [h("label", { for: "reply-body", text: "返信内容" }), h("textarea", { id: "reply-body", name: "body", required: true })],
          "返信する", function (f) { act("POST", "/replies", { body: f.body.value }, "返信を送りました。"); }) : null,
        formFor("transfer", "他の課へ転送",
          [h("label", { for: "transfer-department", text: "転送先" }),
           h("select", { id: "transfer-department", name: "department", required: true },
             departments.filter(function (d) { return d.code !== c.department; }).map(function (d) { return h("option", { value: d.code, text: d.name }); })),
           h("label", { for: "transfer-reason", text: "転送の理由" }), h("textarea", { id: "transfer-reason", name: "reason", required: true })],
          "転送する", function (f) { act("POST", "/transfer", { department: f.department.value, reason: f.reason.value }, "転送しました。"); }),
        formFor("status", "状態の変更",
          [h("label", { for: "status-value", text: "新しい状態" }),
           h("select", { id: "status-value", name: "status" }, Object.keys(STATUS).filter(function (k) { return k !== c.status; }).map(function (k) { return h("option", { value: k, text: STATUS[k] }); })),
           h("label", { for: "status-message", text: "市民へのお知らせ（解決にする場合は必須）" }), h("textarea", { id: "status-message", name: "message" }),
           canTalk ? h("label", { class: "check" }, h("input", { type: "checkbox", name: "survey", checked: true }),
             "解決にする場合、満足度アンケートをお願いする（案件ごとに1回）") : null],
          "変更する", function (f) {
            act("POST", "/status", { status: f.status.value, message: f.message.value || null, survey: f.survey ? f.survey.checked : false }, "状態を変更しました。");
          }),
        formFor("comment", "内部メモ（市民には見えません）",
          [h("label", { for: "comment-body", text: "メモ" }), h("textarea", { id: "comment-body", name: "body", required: true })],
          "メモを残す", function (f) { act("POST", "/comments", { body: f.body.value }, "メモを残しました。"); })
      );
      show("案件 " + c.case_number, h("section", {},
        h("p", {}, h("a", { href: "#/queue", text: "← 案件一覧へ" })),
        h("h2", { text: "案件 " + c.case_number + "：" + c.summary }),
        h("div", { class: "grid" }, h("div", {}, details,
          window.madoguchiPlace ? window.madoguchiPlace(c, { h: h, api: api, say: say, departmentName: departmentName,
            refresh: function () { caseView(number); } }) : null, actions),
          h("div", {}, conversation, history))), ticket);
    }).catch(function (e) {
      show("案件", h("p", { class: "error", text: e.message }), ticket);
    });
  }

  function phoneCaseForm() {
    var form = h("form", { class: "card", "aria-labelledby": "phone-title", onsubmit: function (event) {
      event.preventDefault();
      var e = form.elements;
      api("POST", "/api/v1/cases", {
        kind: e.kind.value, description: e.description.value,
        location: e.location.value || null, contact: e.contact.value || null,
        department: e.department.value || null
      }).then(function (c) {
        say("受付番号 " + c.case_number + " で登録しました。");
        location.hash = "#/cases/" + c.case_number;
      }).catch(function (err) { say(err.message); });
    } },
      h("h3", { id: "phone-title", text: "電話で受け付けた案件を登録" }),
      h("label", { for: "phone-kind", text: "種別" }),
      h("select", { id: "phone-kind", name: "kind" }, Object.keys(KIND).map(function (k) { return h("option", { value: k, text: KIND[k] }); })),
      h("label", { for: "phone-description", text: "内容" }), h("textarea", { id: "phone-description", name: "description", required: true }),
      h("label", { for: "phone-location", text: "場所（任意）" }), h("input", { id: "phone-location", name: "location" }),
      h("label", { for: "phone-contact", text: "連絡先（任意）" }), h("input", { id: "phone-contact", name: "contact" }),
      h("label", { for: "phone-department", text: "担当課" }),
      h("select", { id: "phone-department", name: "department" }, h("option", { value: "", text: "内容から自動で振り分け" }),
        departments.map(function (d) { return h("option", { value: d.code, text: d.name }); })),
      h("p", {}, h("button", { class: "primary", type: "submit" }, "登録する")));
    return form;
  }

  function faqView(params) {
    var ticket = currentTicket;
    var department = params.get("department") || "";
    var offset = Number(params.get("offset") || 0);
    var editing = params.get("edit") || "";
    var query = new URLSearchParams({ limit: "50", offset: String(offset) });
    if (department) query.set("department", department);
    function go(changes) {
      var next = new URLSearchParams(params);
      Object.keys(changes).forEach(function (k) { if (changes[k]) next.set(k, changes[k]); else next.delete(k); });
      location.hash = "#/admin/faq?" + next;
    }
    function lines(value) { return value.split("\n").map(function (s) { return s.trim(); }).filter(Boolean); }
    function editorFor(entry) {
      var isNew = !entry;
      // A suggestion from the dashboard arrives with its question and department filled in.
      var suggested = params.get("question");
      entry = entry || {
        id: suggested ? "S" + new Date().toISOString().replace(/\D/g, "").slice(0, 14) : "",
        question: suggested || "", answer: "",
        department: params.get("suggested_department") || department || null,
        alternatives: [], tags: [], url: null, question_en: null, answer_en: null, answer_easy: null
      };
      var form = h("form", { class: "card", "aria-labelledby": "faq-edit-title", onsubmit: function (event) {
        event.preventDefault();
        var e = form.elements;
        var body = { question: e.question.value, answer: e.answer.value, department: e.department.value || null,
          alternatives: lines(e.alternatives.value), tags: entry.tags, url: entry.url,
          question_en: e.question_en.value.trim() || null, answer_en: e.answer_en.value.trim() || null,
          answer_easy: e.answer_easy.value.trim() || null };
        // The bot's knowledge is rebuilt before the save returns (seconds on a large FAQ):
        // say so, and keep a second click from sending it twice.
        var submit = form.querySelector("button[type=submit]");
        if (submit.disabled) return;
        submit.disabled = true;
        say("保存しています。自動案内に反映するまで数秒かかることがあります…");
        var request = isNew ? api("POST", "/api/v1/faq", Object.assign({ id: e.id.value }, body))
          : api("PUT", "/api/v1/faq/" + encodeURIComponent(entry.id), body);
        request.then(function () { say("保存しました。自動案内はすぐにこの内容で答えます。"); go({ edit: "" }); })
          .catch(function (err) { submit.disabled = false; say(err.message); });
      } },
        h("h3", { id: "faq-edit-title", text: isNew ? "新しいFAQ" : "FAQ " + entry.id + " の編集" }),
        isNew ? [h("label", { for: "faq-id", text: "ID" }), h("input", { id: "faq-id", name: "id", value: entry.id, required: true })] : null,
        h("label", { for: "faq-question", text: "質問" }), h("input", { id: "faq-question", name: "question", value: entry.question, required: true }),
        h("label", { for: "faq-answer", text: "回答" }), h("textarea", { id: "faq-answer", name: "answer", required: true, text: entry.answer }),
        // Easy Japanese (optional): the answer for citizens with 「やさしい にほんご・ふりがな」 on.
        h("label", { for: "faq-answer-easy", text: "やさしい日本語の回答（任意）" }), h("textarea", { id: "faq-answer-easy", name: "answer_easy", lang: "ja", text: entry.answer_easy || "" }),
        h("label", { for: "faq-alternatives", text: "言い換え（1行に1つ）" }), h("textarea", { id: "faq-alternatives", name: "alternatives", text: (entry.alternatives || []).join("\n") }),
        // English text (optional): English questions are answered with it first.
        h("label", { for: "faq-question-en", text: "質問（英語・任意）" }), h("input", { id: "faq-question-en", name: "question_en", lang: "en", value: entry.question_en || "" }),
        h("label", { for: "faq-answer-en", text: "回答（英語・任意）" }), h("textarea", { id: "faq-answer-en", name: "answer_en", lang: "en", text: entry.answer_en || "" }),
        h("label", { for: "faq-department", text: "担当課" }),
        h("select", { id: "faq-department", name: "department" }, h("option", { value: "", text: "なし" }),
          departments.map(function (d) { return h("option", { value: d.code, text: d.name, selected: d.code === entry.department }); })),
        h("p", { class: "row" }, h("button", { class: "primary", type: "submit" }, "保存"),
          isNew ? null : h("button", { class: "secondary", type: "button", onclick: function () {
            if (!window.confirm("FAQ " + entry.id + " を削除しますか？")) return;
            api("DELETE", "/api/v1/faq/" + encodeURIComponent(entry.id)).then(function () { say("削除しました。"); go({ edit: "" }); })
              .catch(function (err) { say(err.message); });
          } }, "削除"),
          h("button", { class: "secondary", type: "button", onclick: function () { go({ edit: "" }); } }, "閉じる")),
        isNew || !window.madoguchiPhrasings ? null : window.madoguchiPhrasings(entry.id, { h: h, api: api, say: say, when: when }));
      return form;
    }
    api("GET", "/api/v1/faq?" + query).then(function (page) {
      var current = editing && editing !== "new" ? page.items.find(function (e) { return e.id === editing; }) : null;
      var editor = editing === "new" ? editorFor(null) : current ? editorFor(current) : null;
      var table = h("table", {}, h("caption", { class: "sr", text: "FAQの一覧" }),
        h("thead", {}, h("tr", {}, ["ID", "質問", "担当課", ""].map(function (t) { return h("th", { scope: "col", text: t }); }))),
        h("tbody", {}, page.items.map(function (e) {
          return h("tr", {}, h("td", { text: e.id }), h("td", { text: e.question }), h("td", { text: departmentName(e.department) || "" }),
            h("td", {}, h("button", { class: "secondary", type: "button", "aria-label": e.id + " を編集", onclick: function () { go({ edit: e.id }); } }, "編集")));
        })));
      show("FAQの管理", h("section", {}, h("p", {}, h("a", { href: "#/queue", text: "← 案件一覧へ" })),
        h("h2", { text: "FAQの管理（" + page.total + "件）" }),
        h("div", { class: "filters" },
          h("div", {}, h("label", { for: "faq-filter", text: "担当課で絞り込み" }),
            h("select", { id: "faq-filter", onchange: function (e) { go({ department: e.target.value, offset: "" }); } },
              h("option", { value: "", text: "すべて" }),
              departments.map(function (d) { return h("option", { value: d.code, text: d.name, selected: d.code === department }); }))),
          h("button", { class: "primary", type: "button", onclick: function () { go({ edit: "new" }); } }, "新しいFAQ")),
        editor, table,
        h("p", { class: "row" },
          offset > 0 ? h("button", { class: "secondary", type: "button", onclick: function () { go({ offset: String(Math.max(0, offset - 50)) }); } }, "前へ") : null,
          offset + 50 < page.total ? h("button", { class: "secondary", type: "button", onclick: function () { go({ offset: String(offset + 50) }); } }, "次へ") : null)), ticket);
      if (editor) editor.querySelector(params.get("question") ? "#faq-answer" : "input, textarea").focus();
    }).catch(function (e) { say(e.message); });
  }

  function departmentsView() {
    var DAY_LABELS = { weekdays: "平日", saturday: "土曜", sunday: "日曜" };
    function editor(d) {
      var form;
      function field(name, label, value, attrs) {
        var id = "d-" + d.code + "-" + name;
        return [h("label", { for: id, text: label }),
          h("input", Object.assign({ id: id, name: name, value: value === null || value === undefined ? "" : String(value) }, attrs || {}))];
      }
      form = h("form", { class: "card", "aria-labelledby": "dept-" + d.code, onsubmit: function (event) {
        event.preventDefault();
        var hours = {};
        Object.keys(DAY_LABELS).forEach(function (day) {
          var value = form.elements[day].value.trim();
          if (value) hours[day] = value;
        });
        // Every field is sent (PUT replaces): those this form does not show keep their values.
        var names = Object.assign({}, d.names || {});
        var english = form.elements.name_en.value.trim();
        if (english) names.en = english; else delete names.en;
        api("PUT", "/api/v1/departments/" + encodeURIComponent(d.code), {
          name: form.elements.name.value, names: names, bureau: d.bureau, handles: form.elements.handles.value,
          keywords: form.elements.keywords.value.split(/[、,]\s*/).filter(Boolean),
          phone: form.elements.phone.value || null,
          emergency_phone: form.elements.emergency_phone.value || null, email: d.email, hours: hours,
          first_response_target_hours: Number(form.elements.first.value),
          resolution_target_hours: Number(form.elements.resolution.value)
        }).then(function () {
          say(form.elements.name.value + "を保存しました。");
          return fetch("/api/v1/departments").then(function (r) { return r.json(); });
        }).then(function (list) { departments = list; }).catch(function (e) { say(e.message); });
      } },
        h("h3", { id: "dept-" + d.code, text: d.name + "（" + d.code + "）" }),
        field("name", "名称", d.name, { required: true }),
        field("name_en", "英語の名称（英語で話す市民への案内に使います）", (d.names || {}).en, { lang: "en" }),
        field("handles", "担当する内容", d.handles),
        field("keywords", "振り分けのキーワード（、区切り）", (d.keywords || []).join("、")),
        field("phone", "電話番号", d.phone),
        field("emergency_phone", "夜間・休日の緊急連絡先（24時間）", d.emergency_phone),
        Object.keys(DAY_LABELS).map(function (day) {
          return field(day, DAY_LABELS[day] + "の開庁時間（例 08:30-17:15、空欄は閉庁）", (d.hours || {})[day], { pattern: "\\d{2}:\\d{2}-\\d{2}:\\d{2}" });
        }),
        field("first", "初回対応の目標（営業時間）", d.first_response_target_hours, { type: "number", min: "1", required: true }),
        field("resolution", "解決の目標（営業時間）", d.resolution_target_hours, { type: "number", min: "1", required: true }),
        h("p", {}, h("button", { class: "primary", type: "submit" }, "保存")));
      return form;
    }
    show("担当課の設定", h("section", {}, h("p", {}, h("a", { href: "#/queue", text: "← 案件一覧へ" })),
      h("h2", { text: "担当課の設定" }), departments.map(editor)));
  }

  function staffView() {
    var ROLES = { admin: "管理者", department_staff: "担当課職員", call_center: "コールセンター" };
    var ticket = currentTicket;
    function reload(text) { if (text) say(text); staffView(); }
    function change(name, body, done) {
      api("PATCH", "/api/v1/staff/accounts/" + encodeURIComponent(name), body)
        .then(function () { reload(done); }).catch(function (e) { say(e.message); });
    }
    api("GET", "/api/v1/staff/accounts").then(function (accounts) {
      var rows = accounts.map(function (a) {
        var roleForm = h("form", { class: "row", "aria-label": a.username + " の役割", onsubmit: function (event) {
          event.preventDefault();
          var codes = roleForm.elements.departments.value.split(/[、,\s]+/).filter(Boolean);
          change(a.username, { role: roleForm.elements.role.value, departments: codes }, a.username + " の役割を変更しました。");
        } },
          h("select", { name: "role", "aria-label": "役割" }, Object.keys(ROLES).map(function (k) {
            return h("option", { value: k, text: ROLES[k], selected: k === a.role });
          })),
          h("input", { name: "departments", "aria-label": "担当課コード（、区切り）", value: a.departments.join("、") }),
          h("button", { class: "secondary", type: "submit" }, "変更"));
        var resetForm = h("form", { class: "row", "aria-label": a.username + " のパスワード再設定", onsubmit: function (event) {
          event.preventDefault();
          api("POST", "/api/v1/staff/accounts/" + encodeURIComponent(a.username) + "/password", { password: resetForm.elements.password.value })
            .then(function () { reload(a.username + " のパスワードを再設定しました。ログイン中の端末はログアウトされます。"); })
            .catch(function (e) { say(e.message); });
        } },
          h("input", { name: "password", type: "password", autocomplete: "new-password", "aria-label": "新しいパスワード（12文字以上）", required: true }),
          h("button", { class: "secondary", type: "submit" }, "再設定"));
        return h("tr", {},
          h("th", { scope: "row", text: a.username }),
          h("td", { text: a.active ? "有効" : "無効" }),
          h("td", {}, roleForm),
          h("td", { text: String(a.active_tokens) }),
          h("td", {},
            h("button", { class: "secondary", type: "button", onclick: function () {
              change(a.username, { active: !a.active }, a.username + (a.active ? " を無効にしました。" : " を有効にしました。"));
            } }, a.active ? "無効にする" : "有効にする"), " ",
            h("button", { class: "secondary", type: "button", onclick: function () {
              api("DELETE", "/api/v1/staff/accounts/" + encodeURIComponent(a.username) + "/tokens")
                .then(function (r) { reload(a.username + " のログインを" + r.revoked + "件終了しました。"); })
                .catch(function (e) { say(e.message); });
            } }, "ログインを終了させる")),
          h("td", {}, resetForm));
      });
      show("職員アカウント", h("section", {}, h("p", {}, h("a", { href: "#/queue", text: "← 案件一覧へ" })),
        h("h2", { text: "職員アカウント" }),
        h("table", { class: "cases" }, h("thead", {}, h("tr", {},
          ["ユーザー名", "状態", "役割と担当課", "ログイン中", "操作", "パスワード"].map(function (t) { return h("th", { scope: "col", text: t }); }))),
          h("tbody", {}, rows))), ticket);
    }).catch(function (e) { say(e.message); });
  }

  function route() {
    currentTicket += 1;
    var hash = location.hash || "#/queue";
    if (hash.indexOf("#/login") === 0) return loginView();
    if (!me) {
      return api("GET", "/api/v1/auth/me").then(function (user) {
        me = user;
        renderWho();
        route();
      }).catch(function () {});
    }
    renderWho();
    if (window.madoguchiPresence) window.madoguchiPresence.start(api);
    if (hash.indexOf("#/admin/departments") === 0 && me.role === "admin") return departmentsView();
    if (hash.indexOf("#/admin/staff") === 0 && me.role === "admin") return staffView();
    if (hash.indexOf("#/admin/faq") === 0 && me.role === "admin") {
      return faqView(new URLSearchParams(hash.indexOf("?") >= 0 ? hash.slice(hash.indexOf("?") + 1) : ""));
    }
    if (hash.indexOf("#/dashboard") === 0 && window.madoguchiDashboard) {
      return window.madoguchiDashboard({
        h: h, api: api, show: show, say: say, me: me, departments: departments,
        departmentName: departmentName, ticket: function () { return currentTicket; }
      }, new URLSearchParams(hash.indexOf("?") >= 0 ? hash.slice(hash.indexOf("?") + 1) : ""));
    }
    var match = hash.match(/^#\/cases\/([0-9-]+)/);
    if (match) return caseView(match[1]);
    var query = hash.indexOf("?") >= 0 ? hash.slice(hash.indexOf("?") + 1) : "";
    return queueView(new URLSearchParams(query));
  }

  fetch("/api/v1/departments").then(function (r) { return r.json(); }).then(function (list) {
    departments = list;
  }).catch(function () {}).then(function () {
    window.addEventListener("hashchange", route);
    route();
  });
})();
