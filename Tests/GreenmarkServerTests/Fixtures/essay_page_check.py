#!/usr/bin/env python3
"""Drives greenmarkd's essay page in headless Chromium (Selenium + Debian's chromedriver).

Usage: essay_page_check.py BASE_URL TOKEN PASTED_TEXT_FILE SCREENSHOT FILE...

Pastes the first text, chooses the files in the file picker, presses Check, waits for every
result, issues a certificate for the first watermarked card, fetches the downloaded certificate
and text from their blob links, takes a screenshot, and prints what the page showed as JSON.
"""
import json
import sys

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

base, token, pasted_file, screenshot, *files = sys.argv[1:]
options = webdriver.ChromeOptions()
options.binary_location = "/usr/bin/chromium"
for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1100,1600"):
    options.add_argument(flag)
driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
try:
    driver.get(base + "/")
    wait = WebDriverWait(driver, 180)
    driver.find_element(By.ID, "token").send_keys(token)
    textarea = driver.find_element(By.ID, "text")
    driver.execute_script("arguments[0].value = arguments[1];", textarea, open(pasted_file, encoding="utf-8").read())
    driver.find_element(By.ID, "files").send_keys("\n".join(files))
    wait.until(lambda d: d.find_element(By.ID, "file-list").text.count(".txt") == len(files))
    driver.find_element(By.ID, "check").click()
    wait.until(lambda d: d.find_element(By.ID, "results").get_attribute("data-done") == str(1 + len(files)))
    cards = []
    for card in driver.find_elements(By.CSS_SELECTOR, "#results article.card"):
        cards.append({
            "name": card.find_element(By.TAG_NAME, "h2").text,
            "verdict": card.get_attribute("data-verdict"),
            "verdict_text": card.find_element(By.CSS_SELECTOR, ".verdict").text,
            "odds": card.find_element(By.CSS_SELECTOR, ".odds").text if card.find_elements(By.CSS_SELECTOR, ".odds") else None,
            "green": len(card.find_elements(By.CSS_SELECTOR, ".tokens .tok-g")),
            "red": len(card.find_elements(By.CSS_SELECTOR, ".tokens .tok-r")),
            "unscored": len(card.find_elements(By.CSS_SELECTOR, ".tokens .tok-n")),
            "green_border": card.find_elements(By.CSS_SELECTOR, ".tokens .tok-g")[0].value_of_css_property("border-bottom-style")
            if card.find_elements(By.CSS_SELECTOR, ".tokens .tok-g") else None,
            "red_border": card.find_elements(By.CSS_SELECTOR, ".tokens .tok-r")[0].value_of_css_property("border-bottom-style")
            if card.find_elements(By.CSS_SELECTOR, ".tokens .tok-r") else None,
        })
    certificate = text = None
    marked = [c for c in driver.find_elements(By.CSS_SELECTOR, "#results article.card") if c.get_attribute("data-verdict") == "watermarked"]
    if marked:
        marked[0].find_element(By.CSS_SELECTOR, "button.certify").click()
        wait.until(lambda d: len(marked[0].find_elements(By.CSS_SELECTOR, ".downloads a")) == 2)
        links = marked[0].find_elements(By.CSS_SELECTOR, ".downloads a")
        fetch = "const done = arguments[arguments.length - 1]; fetch(arguments[0]).then(r => r.text()).then(done);"
        certificate = driver.execute_async_script(fetch, links[0].get_attribute("href"))
        text = driver.execute_async_script(fetch, links[1].get_attribute("href"))
    driver.save_screenshot(screenshot)
    print(json.dumps({"cards": cards, "certificate": certificate, "certified_text": text,
                      "legend": driver.find_element(By.CSS_SELECTOR, ".legend").text}))
finally:
    driver.quit()
