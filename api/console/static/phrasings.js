/*
 * madoguchi staff console: the learned phrasings of an FAQ entry, in its editor. How citizens
 * asked for the entry (their choices among the offered entries, 役に立った, imports), with a
 * 削除 button for a wrong one: the search stops using it before the removal returns.
 * Data: GET /api/v1/faq/<id>/phrasings; removal: DELETE /api/v1/faq/<id>/phrasings/<n>.
 */
(function () {
  "use strict";

  var SOURCE = { chose: "選択肢から選ばれた", helpful: "役に立った", import: "取り込み" };
  var STATE = { active: "使用中", pending: "確認待ち", removed: "削除済み" };

  window.madoguchiPhrasings = function (faqId, tools) {
    var h = tools.h;
    var title = "学習した言い換え";
    var card = h("section", { class: "card", "aria-label": title }, h("h3", { text: title }), h("p", { text: "読み込み中…" }));
    var base = "/api/v1/faq/" + encodeURIComponent(faqId) + "/phrasings";

    function load() {
      tools.api("GET", base).then(function (phrasings) {
        var content = [h("h3", { text: title }),
          h("p", { text: "市民が選んだ質問の言い方です。使用中のものは自動案内がこのFAQの言い換えとして使います（別々の会話で確認されたものだけが使われます）。" })];
        if (!phrasings.length) {
          content.push(h("p", { text: "学習した言い換えはまだありません。" }));
        } else {
          content.push(h("table", {}, h("caption", { class: "sr", text: title }),
            h("thead", {}, h("tr", {}, ["言い方", "学習元", "状態", "確認した会話", "日時", ""].map(function (t) {
              return h("th", { scope: "col", text: t });
            }))),
            h("tbody", {}, phrasings.map(function (p) {
              return h("tr", {},
                h("td", { text: p.text }),
                h("td", { text: SOURCE[p.source] || p.source }),
                h("td", { text: STATE[p.state] || p.state }),
                h("td", { text: String(p.confirmations) }),
                h("td", { text: tools.when(p.removed_at || p.activated_at || p.created_at) }),
                h("td", {}, p.state === "removed" ? null : h("button", {
                  class: "secondary", type: "button", "aria-label": "「" + p.text + "」を削除",
                  onclick: function (event) { remove(p, event.target); }
                }, "削除")));
            }))));
        }
        card.replaceChildren.apply(card, content);
      }).catch(function (e) { card.replaceChildren(h("h3", { text: title }), h("p", { class: "error", text: e.message })); });
    }

    function remove(p, button) {
      if (!window.confirm("「" + p.text + "」を言い換えから削除しますか？")) return;
      button.disabled = true;
      tools.api("DELETE", base + "/" + p.id).then(function () { tools.say("言い換えを削除しました。"); load(); })
        .catch(function (e) { button.disabled = false; tools.say(e.message); });
    }

    load();
    return card;
  };
})();
