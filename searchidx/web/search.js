// Search as you type: ask the server for its own page of results and show
// them in place. Without JavaScript the form does the same on Enter.
(() => {
  const form = document.querySelector("form[role=search]");
  const main = document.querySelector("main");
  let timer;
  let latest = 0;
  form.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      const params = new URLSearchParams();
      for (const [name, value] of new FormData(form)) {
        if (value.trim()) params.append(name, value); // no empty doc= in the address
      }
      if (!params.has("q")) return;
      const request = ++latest;
      const response = await fetch("/?" + params);
      const page = new DOMParser().parseFromString(await response.text(), "text/html");
      if (request !== latest) return; // a newer query has been sent
      main.replaceChildren(...page.querySelector("main").childNodes);
      document.title = page.title;
      history.replaceState(null, "", "/?" + params);
    }, 300);
  });
})();
