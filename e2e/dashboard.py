"""Page objects: the dashboard as a person sees it, found by role and visible text."""

from __future__ import annotations

import re

from playwright.sync_api import Locator, Page, expect

DASH = "\u2013"  # the en dash of the pager's ranges, as in "1\u201350 of 600"


class Dashboard:
    """The whole app: its one navigation and the live switch."""

    def __init__(self, page: Page, base_url: str) -> None:
        self.page = page
        self.base_url = base_url.rstrip("/")

    def open(self, path: str = "/") -> None:
        self.page.goto(self.base_url + path)

    def nav(self, name: str) -> None:
        self.page.get_by_role("navigation", name="Main").get_by_role("link", name=name).click()

    def heading(self) -> Locator:
        return self.page.get_by_role("heading", level=1)

    @property
    def live_switch(self) -> Locator:
        return self.page.get_by_role("switch", name="Live updates")

    def live_status(self) -> Locator:
        return self.page.locator(".live-label")

    @property
    def overview(self) -> OverviewPage:
        return OverviewPage(self.page)

    @property
    def jobs(self) -> JobListPage:
        return JobListPage(self.page)

    @property
    def job(self) -> JobDetailPage:
        return JobDetailPage(self.page)

    @property
    def queues(self) -> QueuesPage:
        return QueuesPage(self.page)

    @property
    def schedules(self) -> SchedulesPage:
        return SchedulesPage(self.page)

    def panel(self, title: str | re.Pattern[str]) -> SidePanel:
        return SidePanel(self.page, title)

    def notice(self) -> Locator:
        return self.page.locator(".notice .notice-body")


class OverviewPage:
    def __init__(self, page: Page) -> None:
        self.page = page

    def counter(self, label: str) -> Locator:
        """The number under a counter's label, such as "Enqueued" or "Processed"."""
        card = self.page.locator(".counter").filter(has=self.page.get_by_text(label, exact=True))
        return card.locator(".counter-value")

    def count(self, label: str) -> int:
        return int(re.sub(r"\D", "", self.counter(label).inner_text()))


class JobListPage:
    """A queue's state tab: filters, the bulk bar, the job table and the pager."""

    def __init__(self, page: Page) -> None:
        self.page = page

    def tab(self, label: str) -> Locator:
        return self.page.get_by_role("navigation", name="States").get_by_role(
            "link", name=re.compile(rf"^{label}\b")
        )

    def rows(self) -> Locator:
        return self.page.locator("table.jobs-table tbody tr")

    def row_ids(self) -> list[int]:
        texts = self.page.locator("table.jobs-table tbody tr td:nth-child(2) a").all_inner_texts()
        return [int(t.lstrip("#")) for t in texts]

    def search(self, text: str) -> None:
        box = self.page.get_by_label("Search args and errors")
        box.fill(text)
        box.press("Enter")

    def search_box(self) -> Locator:
        return self.page.get_by_label("Search args and errors")

    def range_text(self) -> Locator:
        return self.page.get_by_role("navigation", name="Pages").locator("span").first

    def select(self, job_id: int) -> None:
        self.page.get_by_role("checkbox", name=f"Select job {job_id}").check()

    def select_page(self) -> None:
        self.page.get_by_role("checkbox", name="Select page").check()

    def select_all_matching(self) -> None:
        self.page.get_by_role("button", name=re.compile(r"^Select all [\d,]+ matching")).click()

    def action(self, name: str) -> Locator:
        return self.page.get_by_role("toolbar", name="Bulk actions").get_by_role(
            "button", name=name, exact=True
        )

    def dialog(self) -> Locator:
        return self.page.get_by_role("dialog")

    def result(self) -> Locator:
        return self.page.locator(".notice")

    def open_job(self, job_id: int) -> None:
        self.page.get_by_role("link", name=f"#{job_id}", exact=True).click()

    def wait_loaded(self) -> None:
        expect(self.rows().first).to_be_visible()


class JobDetailPage:
    def __init__(self, page: Page) -> None:
        self.page = page

    def section(self, title: str) -> Locator:
        return self.page.get_by_role("region", name=title)

    def args(self) -> Locator:
        return self.page.locator(".json pre")

    def action(self, name: str) -> Locator:
        return self.page.locator(".page-actions").get_by_role("button", name=name, exact=True)


class SidePanel:
    """A form in the panel along the right edge, found by its title."""

    def __init__(self, page: Page, title: str | re.Pattern[str]) -> None:
        self.page = page
        self.root = page.get_by_role("dialog", name=title)

    def field(self, label: str) -> Locator:
        return self.root.get_by_label(label, exact=True)

    def fill(self, **values: str) -> None:
        """Fill fields by label, with underscores for spaces: fill(Max_concurrency="3")."""
        for label, value in values.items():
            self.field(label.replace("_", " ")).fill(value)

    def error_of(self, label: str) -> Locator:
        """The problem read out with a field (its accessible description)."""
        field = self.field(label)
        expect(field).to_have_attribute("aria-invalid", "true")
        ids = (field.get_attribute("aria-describedby") or "").split()
        return self.root.locator(f"[id='{ids[-1]}']")

    def alert(self) -> Locator:
        return self.root.get_by_role("alert")

    def submit(self, name: str) -> None:
        self.root.get_by_role("button", name=name, exact=True).click()


class QueuesPage:
    def __init__(self, page: Page) -> None:
        self.page = page

    def filter_box(self) -> Locator:
        return self.page.get_by_role("searchbox", name="Filter queues by name")

    def row(self, name: str) -> Locator:
        return self.page.get_by_role("row", name=re.compile(rf"^{re.escape(name)}\b"))

    def names(self) -> list[str]:
        return self.page.locator("table.table tbody th a.queue-name").all_inner_texts()

    def limits(self, name: str) -> Locator:
        return self.row(name).get_by_role("list", name="Limits")


class SchedulesPage:
    def __init__(self, page: Page) -> None:
        self.page = page

    def row(self, name: str) -> Locator:
        return self.page.get_by_role("row", name=re.compile(rf"^{re.escape(name)}\b"))

    def latest_jobs(self, name: str) -> Locator:
        return self.page.get_by_role("list", name=f"Latest jobs of {name}")

    def act(self, name: str, action: str) -> None:
        self.row(name).get_by_role("button", name=action, exact=True).click()
