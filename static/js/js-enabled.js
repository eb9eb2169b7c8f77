/* Loaded in <head>, before anything is drawn: marks the page as having JavaScript, so the
   fallbacks for browsers without it (menus shown open, static/css/portal.css ".no-js") never
   flash on the screen of everyone else. */
document.documentElement.classList.replace("no-js", "js");
