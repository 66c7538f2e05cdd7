// koe survey editor: small conveniences on top of a form that works without script.
// It moves focus to the error summary after a refused save and asks before a
// question is removed.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.getElementById("errors");
    if (summary) { summary.focus(); }
    document.querySelectorAll('button[name="op"][value^="remove:"]').forEach(function (b) {
      b.addEventListener("click", function (e) {
        if (!window.confirm("この設問を削除しますか？（保存するまで反映されません）")) { e.preventDefault(); }
      });
    });
  });
})();
