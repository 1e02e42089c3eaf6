//! Table tests with values taken from NumPy 2.4 (`python3 -c "import numpy as np; …"`).
