// koe survey editor: small conveniences on top of a form that works without script.
// It moves focus to the error summary after a refused save, shows a
// question's fields when its type changes, and asks before a question is removed.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.getElementById("errors");
    if (summary) { summary.focus(); }
    // A question shows the fields its type uses; changing the type shows
    // the new type's (a field that holds a value stays visible).
    var form = document.querySelector("form[data-kind-fields]");
    var fields = form ? JSON.parse(form.getAttribute("data-kind-fields")) : {};
    function filled(el) {
      return Array.prototype.some.call(el.querySelectorAll("input, textarea"), function (i) {
        return i.type === "checkbox" ? i.checked : i.value.trim() !== "";
      });
    }
    document.querySelectorAll('select[name$=".type"]').forEach(function (sel) {
      sel.addEventListener("change", function () {
        var card = sel.closest(".question");
        var uses = fields[sel.value] || [];
        card.querySelectorAll("[data-field]").forEach(function (el) {
          el.hidden = uses.indexOf(el.getAttribute("data-field")) < 0 && !filled(el);
        });
      });
    });
    document.querySelectorAll('button[name="op"][value^="remove:"]').forEach(function (b) {
      b.addEventListener("click", function (e) {
        if (!window.confirm("この設問を削除しますか？（保存するまで反映されません）")) { e.preventDefault(); }
      });
    });
  });
})();
