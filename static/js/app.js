// Behaviour every page shares; one small module per behaviour lives beside it.
