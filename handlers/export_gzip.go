package handlers

import (
	"compress/gzip"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
)

// exportGzip compresses CSV downloads at gzip's fastest level. Pages are small and compressed at
// level 5 (router); a 100,000-lead export is 65 MB of CSV, which level 5 took about a second of
// CPU to squeeze to 8.4 MB, level 1 a third of that to 10 MB (make bench, docs/PERFORMANCE.md).
func exportGzip() echo.MiddlewareFunc {
	return middleware.GzipWithConfig(middleware.GzipConfig{Level: gzip.BestSpeed, MinLength: 512})
}

// compressedElsewhere reports whether a path's answer is compressed by its route (exportGzip) or
// is compressed already (XLSX is a zip file): the router's gzip leaves these alone.
func compressedElsewhere(path string) bool {
	return strings.HasSuffix(path, "/export.csv") || strings.HasSuffix(path, ".xlsx")
}
