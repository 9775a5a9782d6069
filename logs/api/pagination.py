"""Pages of a list (api.md: ``?page_size=`` up to 500), with the bounds the schema states."""

from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination


MAX_PAGE = 10**6  # a page number past which no list reaches: read as the first, then answered 404


class CountedRows:
    """Rows whose number is known without counting them: a Paginator's object list that reads
    only the page asked for, through ``read_page(offset, limit)``, unless it is ``prefetched``
    (the rows from that offset, read with the count)."""

    def __init__(self, count, read_page, prefetched=(None, None)):
        self._count = count
        self._read_page = read_page
        self._prefetched_offset, self._prefetched = prefetched

    def count(self):
        return self._count

    def __getitem__(self, bounds):
        limit = bounds.stop - bounds.start
        if limit <= 0:
            return []
        if bounds.start == self._prefetched_offset:
            return self._prefetched[:limit]
        return self._read_page(bounds.start, limit)


class Pagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    page_size_query_description = "Results per page: 50 unless given; a size above 500 gives pages of 500."
    max_page_size = 500

    def get_page_size(self, request):
        # DRF would quietly answer 50 to "page_size=null" or 0: say what is wrong instead.
        # An empty value is no value, as for every filter.
        value = request.query_params.get(self.page_size_query_param, "")
        if value == "":
            return self.page_size
        if not (value.isascii() and value.isdigit() and int(value) >= 1):
            raise ValidationError({self.page_size_query_param: ["A whole number of at least 1."]})
        return min(int(value), self.max_page_size)

    def offset_asked(self, request, page_size):
        """Where the page asked for starts (as Django's Paginator will find it), or 0 for a page
        given by name ("last") or out of range, which the paginator resolves or refuses itself."""
        number = request.query_params.get(self.page_query_param) or "1"
        if number.isascii() and number.isdigit() and 1 <= int(number) <= MAX_PAGE:
            return (int(number) - 1) * page_size
        return 0

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"]["minimum"] = 1
            parameter["allowEmptyValue"] = True  # "?page=" is the first page, "?page_size=" the default size
        return parameters
