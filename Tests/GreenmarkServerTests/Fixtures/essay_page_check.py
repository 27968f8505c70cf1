#!/usr/bin/env python3
"""Drives greenmarkd's essay page in headless Chromium (Selenium + Debian's chromedriver).

Usage: essay_page_check.py CONFIG.json

CONFIG: {"base": URL, "pasted_file": PATH, "files": [PATH, ...], "screenshot": PATH,
         "passes": [{"name": ..., "token": ..., "inspect": bool, "certify": bool}, ...]}

For each pass, in one browser session: types the token, ticks "Highlight the scored tokens" when
`inspect`, pastes the first text, chooses the files in the file picker, presses Check, waits for
every result, and (when `certify`) issues a certificate for the first watermarked card and
fetches the downloaded certificate and text from their blob links. Takes a screenshot after the
last pass and prints what the page showed, per pass, as JSON.
"""
import json
import sys

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

config = json.load(open(sys.argv[1], encoding="utf-8"))
files = config["files"]
options = webdriver.ChromeOptions()
options.binary_location = "/usr/bin/chromium"
for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1100,1600"):
    options.add_argument(flag)
driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)


def texts(card, selector):
    return [e.text for e in card.find_elements(By.CSS_SELECTOR, selector)]


def border(card, selector):
    found = card.find_elements(By.CSS_SELECTOR, selector)
    return found[0].value_of_css_property("border-bottom-style") if found else None


try:
    driver.get(config["base"] + "/")
    wait = WebDriverWait(driver, 180)
    out = {}
    for p in config["passes"]:
        driver.find_element(By.ID, "clear").click()
        token = driver.find_element(By.ID, "token")
        token.clear()
        token.send_keys(p["token"])
        box = driver.find_element(By.ID, "inspect")
        if box.is_selected() != bool(p["inspect"]):
            box.click()
        textarea = driver.find_element(By.ID, "text")
        driver.execute_script("arguments[0].value = arguments[1];", textarea, open(config["pasted_file"], encoding="utf-8").read())
        driver.find_element(By.ID, "files").send_keys("\n".join(files))
        wait.until(lambda d: d.find_element(By.ID, "file-list").text.count(".txt") == len(files))
        driver.execute_script("document.getElementById('results').removeAttribute('data-done');")
        driver.find_element(By.ID, "check").click()
        wait.until(lambda d: d.find_element(By.ID, "results").get_attribute("data-done") == str(1 + len(files)))
        cards = []
        for card in driver.find_elements(By.CSS_SELECTOR, "#results article.card"):
            stats = texts(card, "dl.stats dt")
            cards.append({
                "name": card.find_element(By.TAG_NAME, "h2").text,
                "verdict": card.get_attribute("data-verdict"),
                "verdict_text": (texts(card, ".verdict") or [None])[0],
                "odds": (texts(card, ".odds") or [None])[0],
                "error": (texts(card, ".error") or [None])[0],
                "stats": stats,
                "withheld_note": (texts(card, ".withheld") or [None])[0],
                "certify_button": len(card.find_elements(By.CSS_SELECTOR, "button.certify")) == 1,
                "green": len(card.find_elements(By.CSS_SELECTOR, ".tokens .tok-g")),
                "red": len(card.find_elements(By.CSS_SELECTOR, ".tokens .tok-r")),
                "unscored": len(card.find_elements(By.CSS_SELECTOR, ".tokens .tok-n")),
                "green_border": border(card, ".tokens .tok-g"),
                "red_border": border(card, ".tokens .tok-r"),
            })
        certificate = text = None
        marked = [c for c in driver.find_elements(By.CSS_SELECTOR, "#results article.card") if c.get_attribute("data-verdict") == "watermarked"]
        if p.get("certify") and marked:
            marked[0].find_element(By.CSS_SELECTOR, "button.certify").click()
            wait.until(lambda d: len(marked[0].find_elements(By.CSS_SELECTOR, ".downloads a")) == 2)
            links = marked[0].find_elements(By.CSS_SELECTOR, ".downloads a")
            fetch = "const done = arguments[arguments.length - 1]; fetch(arguments[0]).then(r => r.text()).then(done);"
            certificate = driver.execute_async_script(fetch, links[0].get_attribute("href"))
            text = driver.execute_async_script(fetch, links[1].get_attribute("href"))
        legend = driver.find_element(By.ID, "legend")
        out[p["name"]] = {"cards": cards, "certificate": certificate, "certified_text": text,
                          "legend_visible": legend.is_displayed(), "legend": legend.get_attribute("textContent")}
    driver.save_screenshot(config["screenshot"])
    print(json.dumps(out))
finally:
    driver.quit()
