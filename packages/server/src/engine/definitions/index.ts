/**
 * Process definitions: the language (schemas in @liandong/contracts, process.ts), the validator,
 * condition evaluation, the action registry, layout and description, and the built-in processes.
 */
export { BUILTIN_ACTIONS, type ActionRegistry, type ActionSpec } from './action-registry.ts';
export { BUILTIN_DEFINITIONS } from './builtin/index.ts';
export { describeDefinition, conditionText, durationText, type DescribedStep, type Lang } from './describe-definition.ts';
export { conditionFields, evaluateCondition, readConditionField, type ConditionContext } from './evaluate-condition.ts';
export { computeLayout, layoutDefinition, LAYOUT_SPACING } from './layout-definition.ts';
export { validateDefinition, type ValidateDefinitionOptions, type ValidationResult } from './validate-definition.ts';
