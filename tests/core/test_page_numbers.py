from django.core.paginator import Paginator

from core.views import page_numbers


def test_a_list_of_one_page_links_no_pages():
    assert page_numbers(Paginator(range(5), 10).page(1)) == []
    assert page_numbers(Paginator(range(0), 10).page(1)) == []


def test_the_first_the_last_and_two_either_side_of_the_page_shown():
    pages = Paginator(range(200), 10)  # 20 pages
    assert page_numbers(pages.page(1)) == [1, 2, 3, None, 20]
    assert page_numbers(pages.page(10)) == [1, None, 8, 9, 10, 11, 12, None, 20]
    assert page_numbers(pages.page(4)) == [1, 2, 3, 4, 5, 6, None, 20]
