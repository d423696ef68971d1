import { pipelineScenarios } from "./pipelineScenarios";

pipelineScenarios({ duplicateDelivery: false });
