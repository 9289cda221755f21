// The pieces of a form drawn from an instrument definition, shared by the HEF form
// (features/assessments) and the board tools and HEAT (features/organisational).
export { ItemQuestion, itemElementId, ScaleGuide } from './item-question';
export { StepCounter, StepList, stepSearch, type FormStep } from './step-progress';
