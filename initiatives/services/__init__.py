"""Writes that do more than save one form, one module per concern.

- ``publishing``: the editorial workflow (submit, publish, withdraw, review);
- ``suggestions``: initiatives suggested from the field, as drafts;
- ``api_keys``: issuing and revoking partners' keys;
- ``content_version``: the one way every cache learns that public content
  changed;
- ``search_words``: keeping search keywords and the spelling list in step;
- ``seed``: loading the curated starting content.
"""
