// World café on the phone (issue 5): follows phone.js's "cocreatie:state" event; where to go now
// and next, and the round counted down from the seconds left. textContent only.
(function () {
  "use strict";
  var d = document, box = d.getElementById("cafe");
  if (!box) { return; }
  var m = box.dataset, tick = null;
  function el(id) { return d.getElementById("cafe-" + id); }
  function fill(s, v) { s = String(s || ""); for (var k in v) { s = s.split("{" + k + "}").join(v[k]); } return s; }
  function place(t) { return t ? t.number + (t.theme ? " · " + t.theme : "") : ""; }
  function clock(x) {
    var n = Math.ceil(x - 1e-6), a = Math.abs(n), s = a % 60;
    return (n < 0 ? "+" : "") + Math.floor(a / 60) + ":" + (s < 10 ? "0" : "") + s;
  }
  function show(e, text) { e.textContent = text || ""; e.hidden = !text; }
  function timer(t) {
    clearInterval(tick);
    if (!t) { show(el("clock"), ""); return; }
    var got = Date.now();
    function draw() {
      var left = t.seconds_left - (t.status === "running" ? (Date.now() - got) / 1000 : 0);
      show(el("clock"), t.over || left <= 0 ? m.over : fill(m[t.status] || m.running, { clock: clock(left) }));
    }
    draw();
    if (t.status === "running") { tick = setInterval(draw, 1000); }
  }
  d.addEventListener("cocreatie:state", function (event) {
    var c = event.detail && event.detail.cafe;
    box.hidden = !c;
    if (!c) { timer(null); return; }
    var where = { round: c.round, place: place(c.table) };
    show(el("now"), c.status === "finished" ? m.finished : c.table ? fill(c.host ? m.host : m.now, where)
      : c.seating ? m.seating : m.noSeat);
    show(el("next"), c.next ? fill(m.next, { round: c.next.round, place: place(c.next.table) }) : "");
    var you = c.you && (c.you.name || (c.you.number ? fill(m.anonymous, { number: c.you.number }) : ""));
    show(el("you"), you ? fill(m.you, { name: you }) : "");
    timer(c.timer);
  });
})();
