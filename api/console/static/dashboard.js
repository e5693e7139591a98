/*
 * madoguchi staff console: the dashboard (#/dashboard). The five criteria, the activity
 * figures, charts by week, department and channel (SVG drawn here: the console loads nothing
 * from another origin), 縦割り, and for administrators the unanswered questions as suggested
 * FAQ entries. Figures come from GET /api/v1/metrics (definitions: docs/metrics.md).
 */
(function () {
  "use strict";

  var SVG = "http://www.w3.org/2000/svg";
  var CRITERIA = [
    ["anshin", "安心", {
      out_of_hours_contacts: "時間外の問い合わせ",
      out_of_hours_acknowledged_rate: "時間外に回答・受付できた割合",
      stored_texts_with_personal_data: "個人情報が残った記録"
    }],
    ["shinrai", "信頼", {
      reviewed_answer_rate: "1年以内に見直したFAQでの回答",
      first_response_target_met_rate: "初回対応の目標達成率",
      resolution_target_met_rate: "解決の目標達成率"
    }],
    ["shinsetsu", "親切", {
      bot_rating_mean: "チャットボットの満足度",
      staff_rating_mean: "職員対応の満足度",
      survey_response_rate: "アンケート回答率"
    }],
    ["jinsoku", "迅速", {
      first_response_hours_median: "初回対応までの時間（中央値）",
      resolution_hours_median: "解決までの時間（中央値）"
    }],
    ["kakujitsu", "確実", {
      helpful_answer_rate: "「役に立った」の割合",
      resolved_without_reopening_rate: "再対応なしで解決した割合",
      routed_without_transfer_rate: "転送なしで担当課に届いた割合"
    }]
  ];
  var ACTIVITY = {
    questions: "自動応答への質問",
    answer_rate: "自動応答で解決",
    escalation_rate: "案件化した質問",
    cases_opened: "受け付けた案件",
    transfers_per_case: "案件あたりの転送（たらい回し）"
  };
  var CHANNEL = { web: "ウェブ", line: "LINE", phone: "電話", api: "API" };

  function format(figure) {
    if (figure.value === null) return "—";
    switch (figure.unit) {
      case "rate": return (figure.value * 100).toFixed(1) + "%";
      case "business_hours": return figure.value.toFixed(1) + " 時間";
      case "score": return figure.value.toFixed(2) + " / 5";
      case "per_case": return figure.value.toFixed(2) + " 回";
      default: return String(figure.value);
    }
  }

  function basis(figure) {
    if (figure.unit === "rate" && figure.denominator) return figure.numerator + " / " + figure.denominator;
    if ((figure.unit === "business_hours" || figure.unit === "score") && figure.denominator) return figure.denominator + " 件";
    return "";
  }

  function svg(tag, attrs, children) {
    var el = document.createElementNS(SVG, tag);
    Object.keys(attrs || {}).forEach(function (key) { el.setAttribute(key, attrs[key]); });
    (children || []).forEach(function (child) {
      el.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return el;
  }

  // A bar chart: one group of bars per label, one bar per series. The data table under it says
  // the same for screen readers and for copying.
  function barChart(c, id, title, labels, series) {
    var h = c.h;
    var max = 1;
    series.forEach(function (s) { s.values.forEach(function (v) { if (v > max) max = v; }); });
    var rowHeight = 14 * series.length + 12;
    var width = 640, left = 150, top = 8, height = top + rowHeight * labels.length + 24;
    var scale = (width - left - 50) / max;
    var parts = [];
    labels.forEach(function (label, i) {
      var y = top + i * rowHeight;
      parts.push(svg("text", { x: left - 8, y: y + rowHeight / 2 + 2, "text-anchor": "end", class: "chart-label" }, [label]));
      series.forEach(function (s, j) {
        var value = s.values[i];
        var barY = y + 4 + j * 14;
        parts.push(svg("rect", { x: left, y: barY, width: Math.max(value * scale, value ? 2 : 0), height: 12, class: "bar bar-" + j }));
        parts.push(svg("text", { x: left + value * scale + 4, y: barY + 10, class: "chart-value" }, [String(value)]));
      });
    });
    var legend = series.map(function (s, j) {
      return h("span", { class: "legend" }, h("span", { class: "swatch bar-" + j, "aria-hidden": "true" }), s.name);
    });
    var chart = svg("svg", { viewBox: "0 0 " + width + " " + height, role: "img", "aria-labelledby": id + "-title", class: "chart" }, parts);
    var table = h("table", { class: "chart-data" },
      h("caption", { text: title + "（データ）" }),
      h("thead", {}, h("tr", {}, h("th", { scope: "col", text: "" }), series.map(function (s) { return h("th", { scope: "col", text: s.name }); }))),
      h("tbody", {}, labels.map(function (label, i) {
        return h("tr", {}, h("th", { scope: "row", text: label }), series.map(function (s) { return h("td", { text: String(s.values[i]) }); }));
      })));
    return h("figure", { class: "card", id: id },
      h("figcaption", { id: id + "-title", text: title }), h("div", { class: "row" }, legend), chart,
      h("details", {}, h("summary", { text: "表で見る" }), table));
  }

  function criteriaCards(c, criteria) {
    var h = c.h;
    return h("div", { class: "criteria" }, CRITERIA.map(function (entry) {
      var block = criteria[entry[0]];
      return h("section", { class: "card criterion", "aria-labelledby": "crit-" + entry[0], "data-criterion": entry[0] },
        h("h3", { id: "crit-" + entry[0], text: entry[1] }),
        h("dl", {}, Object.keys(entry[2]).map(function (name) {
          var figure = block[name];
          return [h("dt", { text: entry[2][name] }),
            h("dd", { "data-figure": entry[0] + "." + name },
              h("strong", { text: format(figure) }), " ", h("span", { class: "when", text: basis(figure) }))];
        })));
    }));
  }

  function activityCards(c, activity) {
    var h = c.h;
    return h("div", { class: "tiles" }, Object.keys(ACTIVITY).map(function (name) {
      var figure = activity[name];
      return h("div", { class: "card tile", "data-figure": "activity." + name },
        h("div", { class: "tile-value", text: format(figure) }),
        h("div", { text: ACTIVITY[name] }), h("div", { class: "when", text: basis(figure) }));
    }));
  }

  function tatewari(c, data) {
    var h = c.h;
    var split = data.split_topics.length
      ? h("ul", {}, data.split_topics.map(function (t) {
        return h("li", {}, h("strong", { text: t.representative }), "（" + t.cases + "件）：",
          t.departments.map(function (d) { return c.departmentName(d.code) + " " + d.cases + "件"; }).join("、"));
      }))
      : h("p", { text: "複数の課にまたがった問い合わせはありません。" });
    var paths = data.transfer_paths.length
      ? h("ul", {}, data.transfer_paths.map(function (p) {
        return h("li", { text: c.departmentName(p.from_department) + " → " + c.departmentName(p.to_department) + "：" + p.count + "件" });
      }))
      : h("p", { text: "転送はありません。" });
    return h("section", { class: "card", "aria-labelledby": "tatewari-title" },
      h("h3", { id: "tatewari-title", text: "縦割りの見える化" }),
      h("h4", { text: "複数の課に届いた同じ種類の問い合わせ" }), split,
      h("h4", { text: "転送の経路" }), paths);
  }

  function suggestions(c, from, to) {
    var h = c.h;
    var box = h("section", { class: "card", "aria-labelledby": "suggest-title" },
      h("h3", { id: "suggest-title", text: "自動応答で答えられなかった質問（FAQ追加の候補）" }),
      h("p", { text: "読み込み中…" }));
    c.api("GET", "/api/v1/metrics/faq-suggestions?" + new URLSearchParams({ from: from, to: to })).then(function (items) {
      box.replaceChildren(box.firstChild);
      if (!items.length) { box.append(h("p", { text: "候補はありません。" })); return; }
      box.append(h("ol", { class: "suggestions" }, items.map(function (s) {
        var query = new URLSearchParams({ edit: "new", question: s.question });
        if (s.department) query.set("suggested_department", s.department);
        return h("li", {},
          h("strong", { text: s.question }), "（" + s.count + "件",
          s.department ? "、" + c.departmentName(s.department) : "", "）",
          s.examples.length > 1 ? h("ul", {}, s.examples.slice(1).map(function (e) { return h("li", { class: "when", text: e }); })) : null,
          h("p", {}, h("a", { class: "button-link", href: "#/admin/faq?" + query, text: "このFAQを作成" })));
      })));
    }).catch(function (e) { box.replaceChildren(box.firstChild, h("p", { class: "error", text: e.message })); });
    return box;
  }

  function isoDay(date) {
    return new Date(date.getTime() + 9 * 3600 * 1000).toISOString().slice(0, 10);  // Japan time
  }

  window.madoguchiDashboard = function (c, params) {
    var h = c.h;
    var ticket = c.ticket();
    var today = new Date();
    var to = params.get("to") || isoDay(today);
    var from = params.get("from") || isoDay(new Date(today.getTime() - 83 * 86400 * 1000));  // 12 weeks
    var department = params.get("department") || "";
    var visible = c.me.departments
      ? c.departments.filter(function (d) { return c.me.departments.indexOf(d.code) >= 0; })
      : c.departments;
    var query = new URLSearchParams({ from: from, to: to });
    if (department) query.set("department", department);
    var form = h("form", { class: "filters", onsubmit: function (event) {
      event.preventDefault();
      var next = new URLSearchParams({ from: form.elements.from.value, to: form.elements.to.value });
      if (form.elements.department.value) next.set("department", form.elements.department.value);
      location.hash = "#/dashboard?" + next;
    } },
      h("div", {}, h("label", { for: "m-from", text: "開始日" }), h("input", { id: "m-from", name: "from", type: "date", value: from, required: true })),
      h("div", {}, h("label", { for: "m-to", text: "終了日" }), h("input", { id: "m-to", name: "to", type: "date", value: to, required: true })),
      h("div", {}, h("label", { for: "m-department", text: "担当課" }),
        h("select", { id: "m-department", name: "department" },
          h("option", { value: "", text: c.me.departments ? "担当のすべての課" : "市全体" }),
          visible.map(function (d) { return h("option", { value: d.code, text: d.name, selected: d.code === department }); }))),
      h("button", { class: "primary", type: "submit" }, "表示"),
      h("a", { href: "/api/v1/metrics?" + new URLSearchParams(Object.assign({}, Object.fromEntries(query), { format: "csv" })), text: "CSVで保存" }),
      h("a", { href: "/api/v1/metrics?" + query, target: "_blank", rel: "noopener", text: "JSON" }));
    c.show("ダッシュボード", h("section", {}, h("h2", { text: "ダッシュボード" }), form, h("p", { text: "読み込み中…" })), ticket);
    c.api("GET", "/api/v1/metrics?" + query).then(function (m) {
      var weeks = m.weekly.map(function (w) { return w.week_start.slice(5).replace("-", "/") + "〜"; });
      var channels = Object.keys(Object.assign({}, m.activity.cases_by_channel, m.activity.questions_by_channel)).sort();
      var content = h("section", {},
        h("h2", { text: "ダッシュボード" }), form,
        h("p", { class: "when", text: m.period.from + " 〜 " + m.period.to + "（" + (department ? c.departmentName(department) : (m.departments_in_scope ? m.departments_in_scope.map(c.departmentName).join("・") : "市全体")) + "）。定義は docs/metrics.md、時間は各課の開庁時間で数えます。" }),
        h("h3", { text: "5つの評価軸" }), criteriaCards(c, m.criteria),
        h("h3", { text: "利用状況" }), activityCards(c, m.activity),
        h("div", { class: "grid" },
          barChart(c, "chart-weekly", "週ごとの推移", weeks, [
            { name: "質問", values: m.weekly.map(function (w) { return w.questions; }) },
            { name: "自動応答で解決", values: m.weekly.map(function (w) { return w.answered_questions; }) },
            { name: "案件", values: m.weekly.map(function (w) { return w.cases_opened; }) }]),
          barChart(c, "chart-departments", "担当課ごとの案件", m.departments.map(function (d) { return d.name; }), [
            { name: "案件", values: m.departments.map(function (d) { return d.cases_opened; }) },
            { name: "転送", values: m.departments.map(function (d) { return d.transfers_per_case.numerator || 0; }) }]),
          barChart(c, "chart-channels", "窓口（チャネル）ごと", channels.map(function (k) { return CHANNEL[k] || k; }), [
            { name: "質問", values: channels.map(function (k) { return m.activity.questions_by_channel[k] || 0; }) },
            { name: "案件", values: channels.map(function (k) { return m.activity.cases_by_channel[k] || 0; }) }])),
        tatewari(c, m.tatewari),
        c.me.role === "admin" ? suggestions(c, from, to) : null);
      c.show("ダッシュボード", content, ticket);
    }).catch(function (e) {
      c.show("ダッシュボード", h("section", {}, h("h2", { text: "ダッシュボード" }), form, h("p", { class: "error", role: "alert", text: e.message })), ticket);
    });
  };
})();
