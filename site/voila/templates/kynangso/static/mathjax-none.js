/* Stands in for MathJax 2, which Voila would load from a CDN. Lessons for residents carry
 * no formulas; any TeX stays readable as its source text. */
window.MathJax = {
  Hub: {
    Config: function () {}, Configured: function () {}, Queue: function () {},
    Register: { StartupHook: function () {} }
  },
  Ajax: {},
  InputJax: { TeX: { resetEquationNumbers: function () {} } }
};
