#!/usr/bin/env python3
"""Loads greenmarkd's two pages in headless Chromium (Selenium + Debian's chromedriver) and reports,
as JSON, whether each page's own script ran and its own stylesheet applied under the
Content-Security-Policy the daemon sends, what the browser logged about the policy, and whether
the policy refuses a script the page did not ship (one injected after load).

Usage: web_pages_check.py BASE_URL
"""
import json
import sys

from selenium import webdriver
from selenium.webdriver.chrome.service import Service

base = sys.argv[1]
options = webdriver.ChromeOptions()
options.binary_location = "/usr/bin/chromium"
for flag in ("--headless=new", "--no-sandbox", "--disable-gpu"):
    options.add_argument(flag)
options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)

# What each page's own script defines, and a style only its own stylesheet sets (the browser's
# defaults are "none" and "8px").
PAGES = {
    "/": {"script": "typeof checkAll", "style": "getComputedStyle(document.body).maxWidth"},
    "/verify": {"script": "typeof window.GreenmarkVerify", "style": "getComputedStyle(document.body).marginTop"},
}
INJECT = """
const s = document.createElement("script");
s.textContent = "window.__injected = true;";
document.body.append(s);
return new Promise((resolve) => setTimeout(() => resolve(window.__injected === true), 200));
"""

try:
    out = {}
    for path, probe in PAGES.items():
        driver.get(base + path)
        loaded = {
            "script": driver.execute_script("return " + probe["script"]),
            "style": driver.execute_script("return " + probe["style"]),
        }
        loaded["load_log"] = [e["message"] for e in driver.get_log("browser")]
        loaded["injected_ran"] = driver.execute_script(INJECT)
        loaded["inject_log"] = [e["message"] for e in driver.get_log("browser")]
        out[path] = loaded
    print(json.dumps(out))
finally:
    driver.quit()
