"""phonghop: the web layer (`create_app`), the WebSocket endpoint and the CLI.

One process-wide choice is made here, before any route is built: `{name:int}` in a route's
path matches at most 9 digits. Ids are INTEGER columns (signed 32-bit on PostgreSQL, whose
largest value is 2,147,483,647), so a longer number names nothing:
`/api/meetings/100000000000000000000` is a plain 404 instead of an overflow inside the
database driver (which PostgreSQL reports as an error and SQLite does not).
"""

from starlette.convertors import IntegerConvertor, register_url_convertor


class DatabaseId(IntegerConvertor):
    regex = "[0-9]{1,9}"


register_url_convertor("int", DatabaseId())
