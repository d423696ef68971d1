import { pipelineScenarios } from "./pipelineScenarios";

// Every queue message is delivered a second time after its first completion (a lost settlement).
pipelineScenarios({ duplicateDelivery: true });
