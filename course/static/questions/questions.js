// Question form niceties; everything works without them.
(function () {
  "use strict";
  // Filter the criteria picker as you type (matches code and text).
  var search = document.getElementById("criteria-search");
  if (search) {
    search.addEventListener("input", function () {
      var needle = search.value.trim().toLowerCase();
      document.querySelectorAll(".criteria-picker .criterion").forEach(function (el) {
        el.hidden = needle !== "" && el.getAttribute("data-search").indexOf(needle) < 0;
      });
      document.querySelectorAll(".criteria-picker details.framework").forEach(function (d) {
        if (needle) d.open = d.querySelector(".criterion:not([hidden])") !== null;
      });
    });
  }
  // Changing a step's question type applies it at once (the "Apply type" button does it without JS).
  document.querySelectorAll("select[data-apply]").forEach(function (select) {
    select.addEventListener("change", function () {
      var button = select.parentNode.querySelector("button[name=_apply]");
      if (button) button.click();
    });
  });
})();
