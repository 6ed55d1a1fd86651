package report

// CheckGolden lets the package's external tests (html_scenario_test.go,
// which runs the real parsers and rules: package report itself must not
// import them) compare against golden files under the one -update flag.
var CheckGolden = checkGolden
