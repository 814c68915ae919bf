package dev.tickcast.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The rules the design lives by, checked on the compiled classes of every module: inference has no DL4J and no Flink,
 * the job has no trainer (so no ND4J reaches its jar), the schemas depend on nothing of ours, and packages form no
 * cycle.
 */
class ArchitectureTest {

    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.tickcast");
        // Every module is on this classpath: a rule over nothing would pass.
        for (String module : List.of(
                "dev.tickcast.schema.Tick",
                "dev.tickcast.model.cell.RecurrentNetwork",
                "dev.tickcast.trainer.Trainer",
                "dev.tickcast.job.operator.ForecastFunction",
                "dev.tickcast.cli.TickcastCli")) {
            assertThat(classes.contain(module)).as(module).isTrue();
        }
    }

    @Test
    void inferenceImportsNoFlinkAndNoDl4j() {
        noClasses()
                .that()
                .resideInAPackage("dev.tickcast.model..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "org.apache.flink..",
                        "org.deeplearning4j..",
                        "org.nd4j..",
                        "dev.tickcast.trainer..",
                        "dev.tickcast.job..",
                        "dev.tickcast.cli..")
                .check(classes);
    }

    @Test
    void theJobImportsNoTrainerAndNoNd4j() {
        noClasses()
                .that()
                .resideInAPackage("dev.tickcast.job..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "dev.tickcast.trainer..", "dev.tickcast.cli..", "org.deeplearning4j..", "org.nd4j..")
                .check(classes);
    }

    @Test
    void theSchemasImportNothingOfOurs() {
        noClasses()
                .that()
                .resideInAPackage("dev.tickcast.schema..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "dev.tickcast.model..", "dev.tickcast.job..", "dev.tickcast.trainer..", "dev.tickcast.cli..")
                .check(classes);
    }

    @Test
    void theJobIsLayeredTopologyOperatorsServingIoTypes() {
        layeredArchitecture()
                .consideringOnlyDependenciesInLayers()
                .layer("topology")
                .definedBy("dev.tickcast.job")
                .layer("operators")
                .definedBy("dev.tickcast.job.operator..")
                .layer("serving")
                .definedBy("dev.tickcast.job.serving..")
                .layer("io")
                .definedBy("dev.tickcast.job.io..")
                .layer("types")
                .definedBy("dev.tickcast.job.types..")
                .whereLayer("topology")
                .mayNotBeAccessedByAnyLayer()
                .whereLayer("operators")
                .mayOnlyBeAccessedByLayers("topology")
                .whereLayer("serving")
                .mayOnlyBeAccessedByLayers("topology", "operators")
                .whereLayer("io")
                .mayOnlyBeAccessedByLayers("topology", "operators")
                .check(classes);
    }

    @Test
    void packagesFormNoCycle() {
        slices().matching("dev.tickcast.(**)").should().beFreeOfCycles().check(classes);
    }
}
