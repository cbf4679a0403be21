-- organisations.frozen (V1) and org_model_policy.frozen (V5) are two different switches; say which is which.
COMMENT ON COLUMN organisations.frozen IS 'Account hold (payment failed, legal hold): billing webhooks do not change the plan and no model is promoted. A customer''s own choice to keep its models is org_model_policy.frozen, which leaves billing alone.';
COMMENT ON COLUMN org_model_policy.frozen IS 'The org''s model freeze (PUT /api/v1/models/policy): candidates are trained but not promoted until it unfreezes.';
