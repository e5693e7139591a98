/*
 * madoguchi staff console: a case's place (#/cases/<number>). The point with a link that
 * opens it in the city's usual map service, the open cases nearby drawn relative to it
 * (SVG, no map tiles: city networks may have no internet), and the duplicate links.
 * Data: GET /api/v1/cases/<number>/place; links: POST / DELETE .../duplicate-of.
 */
(function () {
  "use strict";

  var SVG = "http://www.w3.org/2000/svg";
  var SIZE = 240;

  function svg(tag, attrs, children) {
    var el = document.createElementNS(SVG, tag);
    Object.keys(attrs).forEach(function (k) { el.setAttribute(k, attrs[k]); });
    (children || []).forEach(function (c) { el.append(c); });
    return el;
  }

  // The case at the centre, the nearby cases at their east/north offsets, the radius as a
  // circle. North is up; each dot is a link to its case.
  function drawing(place, numberOf) {
    var half = SIZE / 2;
    var scale = (half - 16) / place.radius_m;
    var parts = [
      svg("circle", { cx: half, cy: half, r: place.radius_m * scale, class: "radius" }),
      svg("text", { x: half, y: 12, "text-anchor": "middle", class: "chart-label" }, ["北"]),
      svg("text", { x: half + 4, y: SIZE - 4, class: "chart-label" }, [Math.round(place.radius_m) + " m"])
    ];
    place.nearby.forEach(function (n, i) {
      var link = svg("a", { href: "#/cases/" + n.case_number, "aria-label": n.case_number + "（" + Math.round(n.distance_m) + " m）" }, [
        svg("circle", { cx: half + n.east_m * scale, cy: half - n.north_m * scale, r: 6,
                        class: "nearby-dot " + (n.same_department ? "same" : "other") }),
        svg("text", { x: half + n.east_m * scale + 8, y: half - n.north_m * scale + 4, class: "chart-label" }, [String(numberOf(i))])
      ]);
      parts.push(link);
    });
    parts.push(svg("circle", { cx: half, cy: half, r: 7, class: "nearby-dot this" }));
    return svg("svg", { viewBox: "0 0 " + SIZE + " " + SIZE, width: SIZE, height: SIZE, role: "img",
                        class: "nearby-map", "aria-label": "この案件（中央）と近くの未解決の案件の位置関係" }, parts);
  }

  window.madoguchiPlace = function (c, tools) {
    var h = tools.h;
    var card = h("div", { class: "card", id: "place" }, h("h3", { text: "場所と近くの案件" }), h("p", { text: "読み込み中…" }));
    var base = "/api/v1/cases/" + encodeURIComponent(c.case_number);
    function act(method, body, done) {
      tools.api(method, base + "/duplicate-of", body).then(function () { tools.say(done); tools.refresh(); })
        .catch(function (e) { tools.say(e.message); });
    }
    tools.api("GET", base + "/place").then(function (place) {
      var content = [h("h3", { text: "場所と近くの案件" })];
      if (place.point) {
        var lat = place.point.latitude.toFixed(6), lon = place.point.longitude.toFixed(6);
        content.push(h("p", {}, "位置: 北緯 " + lat + "、東経 " + lon + " ",
          h("a", { href: place.point.map_url, target: "_blank", rel: "noopener noreferrer", text: "地図で開く" })));
      } else {
        content.push(h("p", { text: "位置（緯度・経度）はありません。" + (place.location ? "場所: " + place.location : "") }));
      }
      if (place.duplicate_of) {
        content.push(h("p", { class: "row" }, "この案件は ",
          h("a", { href: "#/cases/" + place.duplicate_of, text: place.duplicate_of }), " と同じ内容（重複）です。",
          h("button", { class: "secondary", type: "button", onclick: function () { act("DELETE", undefined, "重複の関連付けを外しました。"); } }, "関連付けを外す")));
      }
      if (place.duplicates.length) {
        content.push(h("p", {}, "同じ内容の案件: ", place.duplicates.map(function (n, i) {
          return [i ? "、" : "", h("a", { href: "#/cases/" + n, text: n })];
        })));
      }
      if (place.point) {
        if (place.nearby.length) {
          content.push(drawing(place, function (i) { return i + 1; }));
          content.push(h("ol", { class: "nearby", "aria-label": "近くの未解決の案件" }, place.nearby.map(function (n) {
            return h("li", {},
              h("a", { href: "#/cases/" + n.case_number, text: n.case_number }), " ",
              Math.round(n.distance_m) + " m・" + tools.departmentName(n.department) + "・" + n.summary + " ",
              !place.duplicate_of && !place.duplicates.length && n.same_department
                ? h("button", { class: "secondary", type: "button", onclick: function () {
                    act("POST", { case_number: n.case_number }, "重複として関連付けました。");
                  } }, "この案件と同じ（重複）")
                : null);
          })));
        } else {
          content.push(h("p", { text: Math.round(place.radius_m) + " m 以内に未解決の案件はありません。" }));
        }
      }
      if (!place.duplicate_of && !place.duplicates.length) {
        var form = h("form", { class: "row", "aria-label": "重複として関連付ける", onsubmit: function (event) {
          event.preventDefault();
          act("POST", { case_number: form.elements.original.value.trim() }, "重複として関連付けました。");
        } },
          h("label", { for: "duplicate-of", text: "同じ内容の受付番号" }),
          h("input", { id: "duplicate-of", name: "original", required: true, placeholder: "2026-000123" }),
          h("button", { class: "primary", type: "submit" }, "重複として関連付ける"));
        content.push(form);
      }
      card.replaceChildren.apply(card, content);
    }).catch(function (e) { card.replaceChildren(h("h3", { text: "場所と近くの案件" }), h("p", { class: "error", text: e.message })); });
    return card;
  };
})();
