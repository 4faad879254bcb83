import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

from tests.factories import PASSWORD, UserFactory

CHROMIUM_FLAGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--no-first-run", "--window-size=1280,900",
]


@pytest.fixture(scope="session")
def browser(chromium_paths, tmp_path_factory):
    """Headless Debian Chromium driven through Debian's chromedriver (nothing downloaded)."""
    binary, driver_path = chromium_paths
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for flag in [*CHROMIUM_FLAGS, f"--user-data-dir={tmp_path_factory.mktemp('chromium')}"]:
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})  # console, CSP reports included
    driver = webdriver.Chrome(service=Service(executable_path=driver_path), options=options)
    driver.implicitly_wait(2)
    yield driver
    driver.quit()


def log_in(browser, base_url: str, username: str, password: str = PASSWORD, next_path: str = "/") -> None:
    """Log in through the newsroom's login page, as a person would, and wait for the page behind it."""
    browser.get(f"{base_url}/accounts/login/?next={next_path}")
    browser.find_element(By.NAME, "username").send_keys(username)
    browser.find_element(By.NAME, "password").send_keys(password)
    browser.find_element(By.CSS_SELECTOR, "#login-form button[type=submit]").click()
    WebDriverWait(browser, 10).until(expected_conditions.presence_of_element_located((By.ID, "current-user")))


@pytest.fixture
def browser_as(browser, live_server):
    """`browser_as("editor")`: the browser, logged in through the login page as a new user of that role."""
    browser.delete_all_cookies()

    def log_in_as(role, **user_fields):
        user = UserFactory(role=role, **user_fields)
        log_in(browser, live_server.url, user.username)
        return user

    return log_in_as
