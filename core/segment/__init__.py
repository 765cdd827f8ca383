"""Segments: per-person features, RFM scores and named segments, clustering, predicted value.

The one entry point most callers need is :func:`core.segment.pipeline.segment_customers`.
"""
