#!/usr/bin/env python3
"""Drives greenmarkd's essay page in headless Chromium with documents (Selenium + Debian's chromedriver).

Usage: essay_page_documents.py CONFIG.json

CONFIG: {"base": URL, "token": TOKEN, "files": [PATH, ...], "screenshot": PATH}

Types the token, chooses the documents in the file picker, presses Check, waits for every card,
then issues a certificate on the first card and fetches the downloaded certificate and text from
their blob links. Prints what the page showed as JSON.
"""
import json
import os
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

try:
    driver.get(config["base"] + "/")
    wait = WebDriverWait(driver, 180)
    driver.find_element(By.ID, "token").send_keys(config["token"])
    accept = driver.find_element(By.ID, "files").get_attribute("accept")
    driver.find_element(By.ID, "files").send_keys("\n".join(files))
    names = [os.path.basename(f) for f in files]
    wait.until(lambda d: all(n in d.find_element(By.ID, "file-list").text for n in names))
    driver.find_element(By.ID, "check").click()
    wait.until(lambda d: d.find_element(By.ID, "results").get_attribute("data-done") == str(len(files)))
    cards = []
    for card in driver.find_elements(By.CSS_SELECTOR, "#results article.card"):
        doc = card.find_elements(By.CSS_SELECTOR, ".document")
        errors = card.find_elements(By.CSS_SELECTOR, ".error")
        cards.append({
            "name": card.find_element(By.TAG_NAME, "h2").text,
            "verdict": card.get_attribute("data-verdict"),
            "format": doc[0].get_attribute("data-format") if doc else None,
            "document_note": doc[0].text if doc else None,
            "error": errors[0].text if errors else None,
            "certify_button": len(card.find_elements(By.CSS_SELECTOR, "button.certify")) == 1,
        })
    certificate = text = None
    first = driver.find_elements(By.CSS_SELECTOR, "#results article.card")[0]
    if first.find_elements(By.CSS_SELECTOR, "button.certify"):
        first.find_element(By.CSS_SELECTOR, "button.certify").click()
        wait.until(lambda d: len(first.find_elements(By.CSS_SELECTOR, ".downloads a")) == 2 or first.find_elements(By.CSS_SELECTOR, ".downloads .error"))
        links = first.find_elements(By.CSS_SELECTOR, ".downloads a")
        if len(links) == 2:
            fetch = "const done = arguments[arguments.length - 1]; fetch(arguments[0]).then(r => r.text()).then(done);"
            certificate = driver.execute_async_script(fetch, links[0].get_attribute("href"))
            text = driver.execute_async_script(fetch, links[1].get_attribute("href"))
    driver.save_screenshot(config["screenshot"])
    print(json.dumps({"accept": accept, "cards": cards, "certificate": certificate, "certified_text": text}))
finally:
    driver.quit()
