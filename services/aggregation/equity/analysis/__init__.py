"""The equity analyses of a dataset (pure: no I/O), one module each: ``engagement``,
``completeness``, ``representation`` and ``evaluation``, on the figures and protected
tables of ``figures``. Every figure rests on a protected table
(``services.aggregation.disclosure``) and is shown only where its counts are."""
