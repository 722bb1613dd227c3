"""Briefings: the slide deck, the presentation page, PPTX and 情况通报 exports, all from the scorecard."""
