"""The product's WSGI application with a directory of static files beside it, for benchmarks.

`bench/measure.py` serves the map data once through the API and once as a file from
BENCH_STATIC_DIR under /bench-static/, from the same gunicorn process: the file is the baseline.
WhiteNoise serves it (with its precompressed .gz twin), as it serves the product's own assets.
"""

import os

from whitenoise import WhiteNoise

from keck.wsgi import application as product

application = WhiteNoise(product, root=os.environ["BENCH_STATIC_DIR"], prefix="bench-static/")
