"""Links between the pages of a paged list that keep the list's filters."""

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def page_url(context, number, param: str = "page") -> str:
    """`?…` for page `number`: the request's other parameters kept as they are.

    Filters travel in the query string, so a page link that dropped them
    would show page 2 of another list.
    """
    request = context.get("request")
    query = request.GET.copy() if request is not None else None
    if query is None:
        return f"?{param}={number}"
    query[param] = number
    return "?" + query.urlencode()


@register.simple_tag
def page_range(page, on_each_side: int = 2, on_ends: int = 1):
    """Page numbers around the current one, with `Paginator.ELLIPSIS` gaps."""
    return page.paginator.get_elided_page_range(
        page.number, on_each_side=on_each_side, on_ends=on_ends)
